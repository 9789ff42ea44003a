// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "tracia",
    products: [
        .library(name: "tracia", type: .dynamic, targets: ["TraciaC"]),
        .library(name: "TraciaCore", targets: ["TraciaCore"]),
        .executable(name: "tracia-cli", targets: ["tracia-cli"]),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(
            name: "CJansson", pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev", "zlib1g-dev"])]),
        .systemLibrary(name: "CSystem"),
        // The C ABI's own header, so that its structs have the C compiler's layout in Swift.
        .systemLibrary(name: "CTracia"),
        .target(
            name: "TraciaCore",
            dependencies: ["CCurl", "CJansson", "CCrypto", "CSystem"]),
        .target(
            name: "TraciaC",
            dependencies: ["TraciaCore", "CTracia"],
            linkerSettings: [
                .unsafeFlags([
                    "-static-stdlib",
                    "-Xlinker", "-soname=libtracia.so.0",
                    "-Xlinker", "--version-script=include/tracia.map",
                ])
            ]),
        // Like the library, the installed CLI carries the Swift runtime: it runs without the toolchain.
        .executableTarget(
            name: "tracia-cli", dependencies: ["TraciaCore"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]),
        .executableTarget(name: "tracia-fuzz", dependencies: ["TraciaCore"]),
        .testTarget(name: "TraciaCoreTests", dependencies: ["TraciaCore"]),
    ]
)
