import Testing
@Test func placeholderPGSecureModelTests() {}
