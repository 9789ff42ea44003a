import Testing

@testable import TraciaCore

private func files(credentials: String? = nil, config: String? = nil) -> AWSSharedFiles {
    AWSSharedFiles(credentialsPath: "/c", credentialsText: credentials, configPath: "/f", configText: config)
}

private func choose(
    _ explicit: AWSCredentialChain.Explicit = .init(), _ env: [String: String] = [:], _ f: AWSSharedFiles = files()
) -> AWSCredentialChain.Choice {
    AWSCredentialChain.choose(explicit: explicit, environment: { env[$0] }, files: f)
}

private func keys(_ id: String, _ secret: String, _ token: String? = nil, _ origin: String) -> AWSCredentialPlan {
    .keys(AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token), origin: origin)
}

private func message(_ plan: AWSCredentialPlan) -> String {
    if case .unusable(let e) = plan { return e.message }
    return ""
}

@Test func iniFilesParseAsBotocoreReadsThem() throws {
    let text = """
        # comment
        [default]
        aws_access_key_id = AKID1
        AWS_Secret_Access_Key=secret1   ; a comment after blanks
          ; an indented comment
        [profile "my name"]
        region: eu-west-1
        s3 =
            addressing_style = path
        [sso-session corp]
        sso_region = us-east-1
        [profile dev]\r
        credential_process = /bin/creds --a#b
        """
    let ini = try AWSINIFile.parse(text, path: "/f")
    #expect(ini.sections.map(\.name) == ["default", "profile \"my name\"", "sso-session corp", "profile dev"])
    let profiles = ini.configProfiles
    #expect(Set(profiles.keys) == ["default", "my name", "dev"])
    #expect(profiles["default"] == ["aws_access_key_id": "AKID1", "aws_secret_access_key": "secret1"])
    #expect(profiles["my name"]?["region"] == "eu-west-1" && profiles["my name"]?["s3"] == "\naddressing_style = path")
    #expect(profiles["dev"]?["credential_process"] == "/bin/creds --a#b")
    #expect(ini.credentialProfiles["sso-session corp"]?["sso_region"] == "us-east-1")
    func failure(_ text: String) -> String? {
        do {
            _ = try AWSINIFile.parse(text, path: "/f")
            return nil
        } catch { return error.message }
    }
    #expect(failure("key = v") == "cannot read /f at line 1: a key before any [section] header")
    #expect(failure("[a]\njust words") == "cannot read /f at line 2: expected 'key = value'")
    #expect(failure("[a]\nk=1\nK = 2") == "cannot read /f at line 3: key 'k' appears twice in [a]")
    #expect(failure("[a]\n[a]") == "cannot read /f at line 2: section [a] appears twice")
    #expect(failure("[]") == "cannot read /f at line 1: a section header needs a name in brackets")
}

@Test func commandLinesSplitAsAPOSIXShellSplitsThem() throws {
    #expect(try ShellWords.split("/opt/bin/awscreds --user helen") == ["/opt/bin/awscreds", "--user", "helen"])
    #expect(try ShellWords.split(#"  "/path with/space" 'it''s' a\ b "q\"x\\y\n" "#) == ["/path with/space", "its", "a b", #"q"x\y\n"#])
    #expect(try ShellWords.split("''") == [""])
    #expect(try ShellWords.split("   ") == [])
    #expect(throws: TraciaError.self) { try ShellWords.split("'open") }
    #expect(throws: TraciaError.self) { try ShellWords.split("\"open") }
    #expect(throws: TraciaError.self) { try ShellWords.split("end\\") }
}

@Test func theChainTakesTheFirstSourceThatHasKeys() {
    let credentials = "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = sfile\naws_session_token = tfile\n"
    let config =
        "[default]\nregion = ap-south-1\ncredential_process = creds --json\naws_access_key_id = AKIDCONF\naws_secret_access_key = sconf"
    let env = ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "senv", "AWS_SECURITY_TOKEN": "tenv"]
    let both = files(credentials: credentials, config: config)
    // Options, then the environment, then the credentials file, credential_process, the config file.
    #expect(
        choose(.init(accessKeyID: "AKIDOPT", secretAccessKey: "sopt"), env, both).plan
            == keys("AKIDOPT", "sopt", "tenv", "the aws_* options"))
    #expect(choose(.init(), env, both) == .init(plan: keys("AKIDENV", "senv", "tenv", "the environment"), profileRegion: "ap-south-1"))
    #expect(choose(.init(), [:], both).plan == keys("AKIDFILE", "sfile", "tfile", "[default] in /c"))
    #expect(choose(.init(), [:], files(config: config)).plan == .process(argv: ["creds", "--json"], profile: "default"))
    let noProcess = "[default]\naws_access_key_id = AKIDCONF\naws_secret_access_key = sconf"
    #expect(choose(.init(), [:], files(config: noProcess)).plan == keys("AKIDCONF", "sconf", nil, "[default] in /f"))
    // An explicit profile leaves out the environment's keys; AWS_PROFILE does not.
    let dev = files(credentials: "[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=sdev")
    #expect(choose(.init(profile: "dev"), env, dev).plan == keys("AKIDDEV", "sdev", nil, "[dev] in /c"))
    #expect(choose(.init(), env.merging(["AWS_PROFILE": "dev"]) { $1 }, dev).plan == keys("AKIDENV", "senv", "tenv", "the environment"))
    #expect(choose(.init(), ["AWS_PROFILE": "dev"], dev).plan == keys("AKIDDEV", "sdev", nil, "[dev] in /c"))
    #expect(
        choose(.init(), ["AWS_DEFAULT_PROFILE": "dev", "AWS_PROFILE": "nope"], dev).plan == keys("AKIDDEV", "sdev", nil, "[dev] in /c"))
    #expect(message(choose(.init(), ["AWS_PROFILE": "nope"], dev).plan) == "the AWS profile 'nope' is in neither /c nor /f")
    // Then container credentials, then IMDS.
    #expect(
        choose(.init(), ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok"]).plan
            == .container(.init(url: "http://169.254.170.2/v2/creds", tokenFile: nil, token: "tok")))
    #expect(
        choose(.init(), ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9/c", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/t"])
            .plan == .container(.init(url: "http://127.0.0.1:9/c", tokenFile: "/t", token: nil)))
    #expect(message(choose(.init(), ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/c"]).plan).contains("loopback"))
    #expect(choose().plan == .instanceMetadata(.init(baseURL: "http://169.254.169.254")))
    #expect(
        choose(.init(), ["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:5/", "AWS_METADATA_SERVICE_TIMEOUT": "3"]).plan
            == .instanceMetadata(.init(baseURL: "http://127.0.0.1:5", timeoutMS: 3000)))
    #expect(choose(.init(), ["AWS_EC2_METADATA_DISABLED": "TRUE"]).plan == .none)
    #expect(message(choose(.init(), ["AWS_ACCESS_KEY_ID": "AKIDENV"]).plan).contains("without its secret key"))
}

@Test func profilesThatNeedSTSOrSSOFailWithTheExportHint() {
    for (body, what) in [
        ("role_arn = arn:aws:iam::1:role/A\nsource_profile = default", "assumed role"),
        ("sso_session = corp", "SSO"), ("sso_start_url = https://x", "SSO"), ("web_identity_token_file = /t", "web identity"),
        ("login_session = arn:x", "aws login"),
    ] {
        let plan = choose(.init(profile: "admin"), [:], files(config: "[profile admin]\n" + body)).plan
        #expect(message(plan).contains(what) && message(plan).contains("aws configure export-credentials --profile admin"), "\(body)")
    }
    let irsa = choose(.init(), ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn"]).plan
    #expect(message(irsa).contains("AWS_WEB_IDENTITY_TOKEN_FILE"))
    #expect(message(choose(.init(), [:], files(config: "[default]\ncredential_process = 'open")).plan).contains("unclosed"))
    #expect(message(choose(.init(), [:], files(config: "[default\nx")).plan).contains("cannot read /f at line 1"))
}

@Test func containerURLsAreLimitedToTheAllowedHosts() {
    for url in [
        "https://example.com/c", "http://127.0.0.1/c", "http://127.1.2.3:80/c", "http://[::1]:8/c", "http://localhost/c",
        "http://169.254.170.23/v1/credentials", "http://[fd00:ec2::23]/c",
    ] {
        #expect(AWSCredentialChain.isAllowedContainerURL(url), "\(url)")
    }
    for url in ["http://example.com/c", "http://127.0.0.1.evil.com/c", "ftp://127.0.0.1/c", "http://10.0.0.1/c"] {
        #expect(!AWSCredentialChain.isAllowedContainerURL(url), "\(url)")
    }
}

@Test func regionsMapToTheGeographyOfTheirInferenceProfiles() {
    let table: [(String, String?)] = [
        ("us-east-1", "us"), ("us-west-2", "us"), ("us-gov-west-1", "us-gov"), ("eu-central-1", "eu"), ("eu-north-1", "eu"),
        ("ap-northeast-1", "apac"), ("ap-southeast-2", "apac"), ("ap-south-1", "apac"), ("me-central-1", "apac"),
        ("me-south-1", nil), ("ca-central-1", nil), ("sa-east-1", nil), ("af-south-1", nil), ("mars-1", nil),
    ]
    for (region, geography) in table { #expect(BedrockModelID.profileGeography(region: region) == geography, "\(region)") }
    let model = "anthropic.claude-3-haiku-20240307-v1:0"
    #expect(BedrockAdapter.regionalModelID(model, region: "ap-northeast-1") == "apac." + model)
    #expect(BedrockAdapter.regionalModelID(model, region: "ca-central-1") == model)
    #expect(BedrockAdapter.regionalModelID("jp." + model, region: "ap-northeast-1") == "jp." + model)
    #expect(BedrockAdapter.regionalModelID("arn:aws:bedrock:us-east-1::foundation-model/x", region: "eu-west-1").hasPrefix("arn:"))
}

@Test func credentialDocumentsAreReadStrictly() throws {
    func parse(_ json: String, process: Bool = true) -> Result<Credential, TraciaError> {
        AWSCredentialDocument.parse(
            Array(json.utf8), source: "src", tokenKey: process ? "SessionToken" : "Token", requiresVersion: process,
            requiresExpiration: !process, nowEpochMS: 1_800_000_000_000, nowMS: 5000)
    }
    let ok = try parse(#"{"Version":1,"AccessKeyId":"ASIA1","SecretAccessKey":"s","SessionToken":"t","Expiration":"2027-01-15T08:00:00Z"}"#)
        .get()
    #expect(ok.value == .aws(AWSCredentials(accessKeyID: "ASIA1", secretAccessKey: "s", sessionToken: "t")))
    // 2027-01-15T08:00:00Z is 1_800_000_000 s + 0 ms after the epoch.
    #expect(ok.expiresAtMS == 5000)
    #expect(try parse(#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}"#).get().expiresAtMS == nil)
    func failure(_ json: String, process: Bool = true) -> String {
        if case .failure(let e) = parse(json, process: process) { return e.message }
        return ""
    }
    #expect(failure(#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s"}"#) == "src: unsupported Version 2 (expected 1)")
    #expect(failure(#"{"AccessKeyId":"A","SecretAccessKey":"s"}"#) == "src: no Version in the output (expected 1)")
    #expect(failure(#"{"Version":1,"SecretAccessKey":"s"}"#) == "src: no AccessKeyId in the output")
    #expect(failure("not json") == "src: the output is not a JSON object")
    #expect(failure(#"{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s","Expiration":"soon"}"#).contains("not an ISO 8601"))
    #expect(failure(#"{"AccessKeyId":"A","SecretAccessKey":"s","Token":"t"}"#, process: false) == "src: no Expiration in the output")
    #expect(failure(#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"no"}"#, process: false) == "src: AssumeRoleUnauthorizedAccess: no")
}

@Test func timestampsReadISO8601() {
    #expect(Timestamp.epochMS(iso8601: "1970-01-01T00:00:00Z") == 0)
    #expect(Timestamp.epochMS(iso8601: "2027-01-15T08:00:00.250Z") == 1_800_000_000_250)
    #expect(Timestamp.epochMS(iso8601: "2027-01-15T10:00:00+02:00") == 1_800_000_000_000)
    #expect(Timestamp.epochMS(iso8601: "2027-01-15T07:30:00-0030") == 1_800_000_000_000)
    for bad in ["2027-01-15T08:00:00", "2027-13-15T08:00:00Z", "2027-01-15 08:00Z", "", "2027-01-15T08:00:00Zjunk"] {
        #expect(Timestamp.epochMS(iso8601: bad) == nil, "\(bad)")
    }
}
