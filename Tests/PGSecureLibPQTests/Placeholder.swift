import Testing
@Test func placeholderPGSecureLibPQTests() {}
