// swift-tools-version:6.0
import PackageDescription

/// Every target is compiled with the same strict settings.
let settings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

let package = Package(
    name: "luc-os",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "luc", targets: ["luc"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        /** Low-level helpers every layer may use: hex, durations in seconds, file digests, blocking I/O off the cooperative pool. */
        .target(name: "LUCBase",
                dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "NIOPosix", package: "swift-nio")],
                swiftSettings: settings),

        // MARK: Model and pure logic
        /** Domain types and the server state machine. No I/O. */
        .target(name: "CloudModel", swiftSettings: settings),
        /** Host filters, weighers and the placement pipeline. Pure. */
        .target(name: "Scheduling", dependencies: ["CloudModel"], swiftSettings: settings),

        // MARK: State
        /** Engine protocol, in-memory engine, stored records and typed repositories. */
        .target(name: "StateStore", dependencies: ["CloudModel", "LUCBase"], swiftSettings: settings),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        /** The Redis engine: a small RESP client over SwiftNIO, transactions as Lua scripts. */
        .target(name: "StateStoreRedis",
                dependencies: ["StateStore", "LUCBase", .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio")],
                swiftSettings: settings),
        /** The embedded SQLite engine. */
        .target(name: "StateStoreEmbedded", dependencies: ["StateStore", "CSQLite", "LUCBase", .product(name: "NIOPosix", package: "swift-nio")], swiftSettings: settings),

        // MARK: Hypervisors and agents
        /** The driver contract every hypervisor driver fulfils. */
        .target(name: "HypervisorDriver", swiftSettings: settings),
        /** A host's share of tenant networks (DESIGN §8.1): per network a Linux bridge and a VXLAN device, flood and MAC entries toward the other hosts. Runs `ip`/`bridge`, optionally inside a host's network namespace. */
        .target(name: "DataPlane", dependencies: ["LUCBase"], swiftSettings: settings),
        /** The contract every block-storage driver fulfils. */
        .target(name: "StorageDriver", swiftSettings: settings),
        /** In-memory volumes for tests and scale simulation. */
        .target(name: "FakeStorageDriver", dependencies: ["StorageDriver"], swiftSettings: settings),
        /** Volumes as qcow2 files in a site's shared storage directory, made with qemu-img. */
        .target(name: "FileStorageDriver", dependencies: ["StorageDriver", "LUCBase"], swiftSettings: settings),
        /** In-memory driver for tests and scale simulation. */
        .target(name: "FakeHypervisorDriver", dependencies: ["HypervisorDriver"], swiftSettings: settings),
        /** Real VMs: one detached QEMU per server, driven over QMP; per-host image cache. */
        .target(name: "QEMUDriver",
                dependencies: ["HypervisorDriver", "DataPlane", "LUCBase", logging, .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
                swiftSettings: settings),
        /** Messages and client protocols between controllers and compute agents. */
        .target(name: "AgentProtocol", dependencies: ["HypervisorDriver"], swiftSettings: settings),
        /** HTTP clients for the agent protocol, both directions. */
        .target(name: "AgentHTTP", dependencies: ["AgentProtocol", httpClient, logging], swiftSettings: settings),
        /** The compute agent: hosts' drivers behind an HTTP endpoint, registration, heartbeats, reconcile. */
        .target(name: "ComputeAgent",
                dependencies: ["AgentProtocol", "DataPlane", "HypervisorDriver", "LUCBase", hummingbird, logging], swiftSettings: settings),

        /** A user-space WAN between sites for the lab: delaying TCP relays that can be cut. */
        .target(name: "WANEmulator",
                dependencies: [.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")],
                swiftSettings: settings),

        // MARK: Control plane
        /** Use cases: identity, compute, images, scheduling claims, background tasks and recovery. */
        .target(name: "ControlPlane",
                dependencies: ["CloudModel", "LUCBase", "Scheduling", "StateStore", "AgentProtocol", "HypervisorDriver", "StorageDriver", logging,
                               .product(name: "Crypto", package: "swift-crypto"),
                               .product(name: "_CryptoExtras", package: "swift-crypto")],
                swiftSettings: settings),

        // MARK: APIs
        /** What every OpenStack API shares: request context, auth, errors, JSON. */
        .target(name: "OpenStackHTTP", dependencies: ["ControlPlane", hummingbird, logging], swiftSettings: settings),
        .target(name: "IdentityAPI", dependencies: ["OpenStackHTTP", "LUCBase", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: settings),
        .target(name: "ComputeAPI", dependencies: ["OpenStackHTTP", "LUCBase", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: settings),
        .target(name: "ImageAPI", dependencies: ["OpenStackHTTP", "LUCBase"], swiftSettings: settings),
        .target(name: "NetworkAPI", dependencies: ["OpenStackHTTP"], swiftSettings: settings),
        .target(name: "VolumeAPI", dependencies: ["OpenStackHTTP"], swiftSettings: settings),
        /** Endpoints compute agents call. */
        .target(name: "InternalAPI", dependencies: ["OpenStackHTTP", "AgentProtocol", "LUCBase"], swiftSettings: settings),
        /** Forwards requests about another site's resources to a controller of that site. */
        .target(name: "SiteRouting", dependencies: ["OpenStackHTTP", "ControlPlane", "AgentHTTP", httpClient], swiftSettings: settings),
        /** Builds a controller's HTTP application from its parts. */
        .target(name: "Controller",
                dependencies: ["IdentityAPI", "ComputeAPI", "ImageAPI", "NetworkAPI", "VolumeAPI", "InternalAPI", "OpenStackHTTP", "SiteRouting", httpClient],
                swiftSettings: settings),

        // MARK: Commands
        /** The `luc` commands; the only place that names concrete engines and drivers. */
        .target(name: "Commands",
                dependencies: ["Controller", "ComputeAgent", "DataPlane", "FakeHypervisorDriver", "QEMUDriver", "FileStorageDriver", "StateStoreEmbedded", "StateStoreRedis", "AgentHTTP", "WANEmulator", "LUCBase",
                               .product(name: "ArgumentParser", package: "swift-argument-parser"), httpClient],
                swiftSettings: settings),
        .executableTarget(name: "luc", dependencies: ["Commands"], swiftSettings: settings),

        // MARK: Tests
        /** Conformance suites and fixtures shared by test targets. */
        .target(name: "TestSupport", dependencies: ["StateStore", "HypervisorDriver", "StorageDriver"], path: "Tests/TestSupport",
                swiftSettings: settings),
        .testTarget(name: "CloudModelTests", dependencies: ["CloudModel"], swiftSettings: settings),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"], swiftSettings: settings),
        .testTarget(name: "StateStoreTests",
                    dependencies: ["StateStore", "StateStoreEmbedded", "StateStoreRedis", "TestSupport"], swiftSettings: settings),
        .testTarget(name: "DataPlaneTests", dependencies: ["DataPlane", "LUCBase"], swiftSettings: settings),
        .testTarget(name: "DriverTests", dependencies: ["DataPlane", "FakeHypervisorDriver", "QEMUDriver", "TestSupport",
                                                        "StorageDriver", "FakeStorageDriver", "FileStorageDriver"], swiftSettings: settings),
        /** A whole controller in the test process: in-memory store, fake hosts, the real router. */
        .target(name: "CloudTestSupport",
                dependencies: ["Controller", "FakeHypervisorDriver", "FakeStorageDriver", "StateStore", "AgentProtocol",
                               .product(name: "HummingbirdTesting", package: "hummingbird")],
                path: "Tests/CloudTestSupport", swiftSettings: settings),
        .testTarget(name: "APITests",
                    dependencies: ["CloudTestSupport", "Controller", "ComputeAgent", "FakeHypervisorDriver", "StateStore", "StorageDriver", "FakeStorageDriver",
                                   .product(name: "HummingbirdTesting", package: "hummingbird")],
                    swiftSettings: settings),
        /** Task runner (ownership, deadlines, adoption on a driven clock), scatter-gather, typed queries. */
        .testTarget(name: "ControlPlaneTests",
                    dependencies: ["CloudTestSupport", "ControlPlane", "CloudModel", "StateStore", "OpenStackHTTP"], swiftSettings: settings),
        /** The agent's endpoint over a fake driver: wire types, operations, error statuses. */
        .testTarget(name: "ComputeAgentTests",
                    dependencies: ["ComputeAgent", "AgentHTTP", "DataPlane", "FakeHypervisorDriver", "AgentProtocol", "HypervisorDriver", "LUCBase", logging,
                                   .product(name: "HummingbirdTesting", package: "hummingbird")],
                    swiftSettings: settings),
        /** Forwarding between two controllers' routers, and the directory of other sites' controllers. */
        .testTarget(name: "SiteRoutingTests",
                    dependencies: ["CloudTestSupport", "SiteRouting", "Controller", "StateStore", httpClient,
                                   .product(name: "HummingbirdTesting", package: "hummingbird")],
                    swiftSettings: settings),
        /** Starts real `luc` processes (built by `swift build`) and kills them. */
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport", httpClient], swiftSettings: settings),
    ]
)
