import Testing
@Test func placeholderPGSecureWizardTests() {}
