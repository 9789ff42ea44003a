// swift-tools-version:6.0
import Foundation
import PackageDescription

// SwiftPM names a local dependency after its folder, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "stream-example",
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "stream-example",
            dependencies: [.product(name: "TraciaCore", package: root.lastPathComponent.lowercased())]
        )
    ]
)
