import Glibc

// Built two ways. With -DFUZZING (see `make fuzz`) it is a libFuzzer target whose harness is
// chosen by TRACIA_FUZZ_TARGET. Otherwise it replays corpus files through a harness:
// `tracia-fuzz HARNESS FILE...`, so the test command keeps every committed input passing.

#if FUZZING
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
        selectedHarness.run(UnsafeRawBufferPointer(start: data, count: size))
        return 0
    }

    // SwiftPM names an executable's entry point after its module; libFuzzer's driver is entered
    // from there.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    @_cdecl("tracia_fuzz_main")
    public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var vector = argv
        return runFuzzerDriver(&count, &vector, fuzzOne)
    }

    let selectedHarness: Harness = {
        guard let name = getenv("TRACIA_FUZZ_TARGET").map({ String(cString: $0) }), let h = Harness(rawValue: name) else {
            print("set TRACIA_FUZZ_TARGET to one of: \(Harness.allCases.map(\.rawValue).joined(separator: " "))")
            exit(2)
        }
        return h
    }()
#else
    @main
    enum Replay {
        static func main() {
            let arguments = CommandLine.arguments
            guard arguments.count >= 2, let harness = Harness(rawValue: arguments[1]) else {
                print("usage: tracia-fuzz HARNESS FILE...   harnesses: \(Harness.allCases.map(\.rawValue).joined(separator: " "))")
                exit(2)
            }
            var replayed = 0
            for path in arguments.dropFirst(2) {
                guard let bytes = readFile(path) else {
                    print("cannot read \(path)")
                    exit(1)
                }
                bytes.withUnsafeBytes { harness.run($0) }
                replayed += 1
            }
            print("\(harness.rawValue): \(replayed) inputs replayed")
        }

        static func readFile(_ path: String) -> [UInt8]? {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 { return nil }
                if n == 0 { return bytes }
                bytes += buffer[0..<n]
            }
        }
    }
#endif
