// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "gameday",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gameday", targets: ["gameday"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .executableTarget(
            name: "gameday",
            dependencies: ["GameDayCLI"]
        ),
        .target(
            name: "GameDayCLI",
            dependencies: [
                "GameDayCore", "GameDayRuntime", "GameDayLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["GameDayBuildInfo"]
        ),
        // `BuildInfo` (VERSION and the git commit) for `gameday --version`, written before every build.
        .plugin(name: "GameDayBuildInfo", capability: .buildTool()),
        .target(
            name: "GameDayCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "GameDayRuntime",
            dependencies: [
                "GameDayCore", "CCurl", "CProbeHTTP", "CNetfilterQueue",
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .target(
            name: "GameDayLab",
            dependencies: [
                "GameDayCore", "GameDayRuntime", "CSQLite",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .systemLibrary(
            name: "CNetfilterQueue",
            pkgConfig: "libnetfilter_queue",
            providers: [.apt(["libnetfilter-queue-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // The probe engine's HTTP/1.1 client for plain-HTTP probes to numeric addresses (see its header).
        .target(name: "CProbeHTTP"),
        .executableTarget(
            name: "gameday-bench",
            dependencies: ["GameDayCore", "GameDayRuntime", "GameDayTestSupport"],
            path: "bench/Sources"
        ),
        .target(
            name: "GameDayTestSupport",
            dependencies: ["GameDayCore", "GameDayRuntime"],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "GameDayCoreTests",
            dependencies: [
                "GameDayCore", "GameDayRuntime", "GameDayTestSupport", .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "GameDayRuntimeTests", dependencies: ["GameDayRuntime", "GameDayTestSupport"]),
        .testTarget(
            name: "GameDayLabTests",
            dependencies: [
                "GameDayLab", "GameDayCore", "GameDayRuntime", "GameDayTestSupport",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(name: "GameDayCLITests", dependencies: ["GameDayCLI", "GameDayTestSupport"]),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["GameDayCore", "GameDayRuntime", "GameDayTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
