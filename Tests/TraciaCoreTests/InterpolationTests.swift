import Testing

@testable import TraciaCore

@Test(arguments: [
    ("Hi {{name}}!", "Hi Ada!"),
    ("{{name}}{{name}}", "AdaAda"),
    ("{{unknown}} stays", "{{unknown}} stays"),
    ("{{ name }} needs word characters only", "{{ name }} needs word characters only"),
    ("{{{name}}}", "{Ada}"),
    ("{{{{", "{{{{"),
    ("{{name}", "{{name}"),
    ("{{prénom}} {{名前}} {{n_2}}", "Zoë 花子 two"),
    ("{{secret}}", "{{system_secret}}"),
])
func placeholdersAreFilledOnceAndLiterally(_ text: String, _ expected: String) {
    let variables = ["name": "Ada", "prénom": "Zoë", "名前": "花子", "n_2": "two", "secret": "{{system_secret}}", "system_secret": "leak"]
    #expect(Interpolation.fill(text, variables) == expected)
}

@Test func valuesAreNeverExpandedAgain() {
    // Each value refers to the next twice: expanding values would double the text 22 times.
    var variables: [String: String] = [:]
    for i in 0..<22 { variables["v\(i)"] = "{{v\(i + 1)}}{{v\(i + 1)}}" }
    variables["v22"] = "x"
    #expect(Interpolation.fill("{{v0}}", variables) == "{{v1}}{{v1}}")
}

@Test func manyVariablesInALongTextAreFilledInOnePass() {
    var variables: [String: String] = [:]
    var text = ""
    var expected = ""
    for i in 0..<8000 {
        variables["k\(i)"] = "value-\(i) "
        text += "{{k\(i)}}"
        expected += "value-\(i) "
    }
    #expect(Interpolation.fill(text, variables) == expected)
}

@Test func toolMessagesAreLeftAlone() {
    let messages = [Message(role: .user, text: "{{a}}"), Message(role: .tool, text: "{{a}}")]
    let filled = Interpolation.apply([("a", "1")], to: messages)
    #expect(filled.map(\.text) == ["1", "{{a}}"])
}
