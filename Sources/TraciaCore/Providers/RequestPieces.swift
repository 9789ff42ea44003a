/// The parts of a request body that every provider builds the same way, under its own keys.
enum RequestPieces {
    /// What a tool without parameters takes where the provider requires a schema.
    static let emptySchema: JSONObject = ["type": "object"]

    /// The stop list, or nil when the caller gave none (an empty list is none).
    static func stopList(_ r: RunRequest) -> JSON? {
        guard let stop = r.stopSequences, !stop.isEmpty else { return nil }
        return JSON(stop)
    }

    /// `{"name","description"?,<schemaKey>?}`: the parameters under the provider's key, or
    /// `defaultSchema` when the tool has none (nil leaves the key out).
    static func tool(_ t: ToolDefinition, schemaKey: String, defaultSchema: JSONObject? = nil) -> JSONObject {
        var tool: JSONObject = ["name": .string(t.name)]
        tool["description"] = t.description.map(JSON.string)
        tool[schemaKey] = (t.parameters ?? defaultSchema).map(JSON.object)
        return tool
    }

    /// The body with `custom_options` set over it: a key the body has is replaced where it
    /// stands, any other goes last.
    static func applyingCustomOptions(of r: RunRequest, to body: JSONObject) -> JSONObject {
        guard let custom = r.customOptions else { return body }
        return body.merging(custom)
    }
}
