import TraciaCore

@_cdecl("tracia_version_number")
public func tracia_version_number() -> Int32 { 100 }
