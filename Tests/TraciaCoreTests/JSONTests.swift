import Testing

@testable import TraciaCore

/// The value after a trip into a jansson value and back, without text in between.
private func throughJansson(_ value: JSON) throws -> JSON {
    let raw = try #require(value.janssonValue())
    return JSON(JSONDocument(owning: raw).root)
}

private func parseError(_ bytes: [UInt8]) -> TraciaError? {
    bytes.withUnsafeBytes { buffer in
        do throws(TraciaError) {
            _ = try JSON(parsing: buffer)
            return nil
        } catch {
            return error
        }
    }
}

private let everyCase: [JSON] = [
    .null, true, false, 0, -42, .int(.max), .int(.min), 0.5, -1e300, 3.0, "", "é ☃ 𝄞",
    [], [1, "two", [3.5], ["four": .null]], [:],
    ["b": 1, "a": [true, .null], "c": ["nested": ["deeper": "x"]]],
]

@Test(arguments: everyCase)
func roundTripThroughJansson(value: JSON) throws {
    #expect(try throughJansson(value) == value)
    #expect(try JSON(parsing: value.serialized()) == value)
    #expect(String(decoding: value.serializedBytes(), as: UTF8.self) == value.serialized())
}

@Test func serializedTextIsCompactAndKeepsKeyOrder() throws {
    let value: JSON = ["model": "m", "stream": true, "n": 2, "t": 0.25, "stop": ["a", "b"], "none": .null, "o": [:]]
    #expect(value.serialized() == #"{"model":"m","stream":true,"n":2,"t":0.25,"stop":["a","b"],"none":null,"o":{}}"#)
    let text = #"{"z":1,"a":2,"m":{"y":true,"b":false}}"#
    let parsed = try JSON(parsing: text)
    #expect(parsed.object?.keys == ["z", "a", "m"])
    #expect(parsed["m"]?.object?.keys == ["y", "b"])
    #expect(parsed.serialized() == text)
}

@Test func settingAKeyReplacesItWhereItStands() {
    var object: JSONObject = ["a": 1, "b": 2, "c": 3]
    object["b"] = "two"
    object["d"] = 4
    object["a"] = nil
    #expect(JSON.object(object).serialized() == #"{"b":"two","c":3,"d":4}"#)
    let literal: JSONObject = ["k": 1, "other": 2, "k": 3]
    #expect(literal.serialized() == #"{"k":3,"other":2}"#)
    let merged = object.merging(["d": .null, "c": [1], "e": true])
    #expect(merged.serialized() == #"{"b":"two","c":[1],"d":null,"e":true}"#)
}

@Test func stringsAndKeysMayHoldNUL() throws {
    let value: JSON = ["a\u{0}b": "x\u{0}y"]
    let back = try throughJansson(value)
    #expect(back == value)
    #expect(back["a\u{0}b"]?.string?.utf8.count == 3)
    #expect(value.serialized() == #"{"a\u0000b":"x\u0000y"}"#)
    // Escaped NUL in text stays an error, as for every document the library reads.
    #expect(throws: TraciaError.self) { try JSON(parsing: value.serialized()) }
    // A NUL byte does not end the text early.
    #expect(parseError(Array(#"{"a":1}"#.utf8) + [0] + Array("garbage".utf8))?.code == .invalidRequest)
}

@Test func integersStayIntegersAndBigOnesAreErrors() throws {
    #expect(JSON.int(.max).serialized() == "9223372036854775807")
    #expect(JSON.int(.min).serialized() == "-9223372036854775808")
    #expect(try JSON(parsing: "9223372036854775807") == .int(.max))
    #expect(try JSON(parsing: "-9223372036854775808") == .int(.min))
    #expect(try JSON(parsing: "[1, 1.0]") == [.int(1), .double(1)])
    #expect(parseError(Array("9223372036854775808".utf8))?.message.contains("too big") == true)
}

@Test func doublesUseFifteenSignificantDigits() throws {
    #expect(JSON.double(0.1).serialized() == "0.1")
    #expect(JSON.double(0.1 + 0.2).serialized() == "0.3")
    #expect(JSON.double(3).serialized() == "3.0")
    #expect(JSON.double(1e300).serialized() == "1e300")
    #expect(JSON.double(-2.5e-8).serialized() == "-2.5e-8")
    #expect(try JSON(parsing: "1e2") == .double(100))
    // JSON has no NaN or infinity.
    #expect(JSON.array([.double(.nan), .double(.infinity)]).serialized() == "[null,null]")
}

@Test func duplicateKeysAreRejected() {
    let error = parseError(Array(#"{"a":1,"b":{"c":1,"c":2}}"#.utf8))
    #expect(error?.code == .invalidRequest)
    #expect(error?.message.contains("duplicate object key") == true)
    #expect(JSON.lenientlyParsed(#"{"c":1,"c":2}"#) == ["c": 2])
}

@Test(arguments: [[0x22, 0xff, 0x22], [0x7b, 0x22, 0xc3, 0x22, 0x3a, 0x31, 0x7d], [0x22, 0xed, 0xa0, 0x80, 0x22]] as [[UInt8]])
func invalidUTF8IsRejected(bytes: [UInt8]) {
    #expect(parseError(bytes)?.code == .invalidRequest)
}

@Test(arguments: ["", " ", "{", "[1,]", "nul", "{} {}", "'x'"])
func malformedTextIsRejected(text: String) {
    #expect(parseError(Array(text.utf8))?.code == .invalidRequest)
}

@Test func deepNestingIsBoundedAndDoesNotCrash() throws {
    let tooDeep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(parseError(Array(tooDeep.utf8))?.message.contains("maximum parsing depth") == true)
    let objects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
    #expect(parseError(Array(objects.utf8))?.code == .invalidRequest)
    // Nearly as deep as jansson reads (2047 levels): the value, its text and its jansson copy all survive.
    let depth = 2046
    let deepest = String(repeating: #"{"a":["#, count: depth / 2) + "1" + String(repeating: "]}", count: depth / 2)
    let value = try JSON(parsing: deepest)
    #expect(value.serialized() == deepest)
    #expect(try throughJansson(value) == value)
}

@Test func accessorsReadWhatTheCasesHold() throws {
    let value = try JSON(parsing: #"{"s":"x","i":7,"d":1.5,"b":false,"n":null,"a":[1,2]}"#)
    #expect(value["s"]?.string == "x" && value["i"]?.int == 7 && value["i"]?.double == 7 && value["d"]?.double == 1.5)
    #expect(value["b"]?.bool == false && value["n"]?.isNull == true && value["a"]?[1] == 2 && value["a"]?[2] == nil)
    #expect(value["missing"] == nil && value["s"]?["x"] == nil && value.string == nil)
    let model = "gpt"
    let interpolated: JSON = "chat \(model)"
    #expect(interpolated == .string("chat gpt"))
}
