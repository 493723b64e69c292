@testable import ControlPlane
import Testing

/// How a controller coalesces data plane updates of one network and remembers bare hosts.
@Suite("Data plane memberships")
struct WiringMembershipsTests {
    typealias Leaving = DataPlaneWiring.Leaving

    @Test func updatesOfANetworkCoalesceIntoOneMoreRound() async {
        let memory = DataPlaneWiring.Memberships()
        #expect(await memory.begin("net", leaving: nil), "the first caller runs the update")
        #expect(await memory.next("net") == [])
        #expect(await !memory.begin("net", leaving: Leaving(host: "h1", site: "a")), "a second one only asks for another round")
        #expect(await !memory.begin("net", leaving: Leaving(host: "h2", site: "a")))
        #expect(await memory.next("net") == [Leaving(host: "h1", site: "a"), Leaving(host: "h2", site: "a")],
                "one more round, with every host seen leaving")
        #expect(await memory.next("net") == nil, "nothing asked since: the update ends")
        #expect(await memory.begin("net", leaving: nil), "and the next caller runs again")
        #expect(await memory.begin("other", leaving: nil), "other networks are independent")
    }

    @Test func bareHostsAndNetworksAreRemembered() async {
        let memory = DataPlaneWiring.Memberships()
        #expect(await !memory.isBare("h1"))
        await memory.markBare("h1", true)
        #expect(await memory.isBare("h1"))
        await memory.markBare("h1", false)
        #expect(await !memory.isBare("h1"))
        await memory.markAllBare("net")
        #expect(await memory.allBare("net"))
        _ = await memory.begin("net", leaving: nil)
        _ = await memory.next("net")
        #expect(await !memory.allBare("net"), "a new round asks the hosts again")
        #expect(await memory.join("net", "h1"))
        #expect(await !memory.join("net", "h1"), "a host joins a network once")
        await memory.leave("net", "h1")
        #expect(await memory.join("net", "h1"))
    }
}
