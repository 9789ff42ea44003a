import Testing
@testable import TraciaCore
@Test func version() { #expect(TraciaVersion.string == "0.1.0") }
