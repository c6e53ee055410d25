import Testing

@testable import KSANBus

/// Which keys each kind applies live, what is refused, and what applying a version does (a key left out returns
/// to what the process started with).
@Suite("Live settings: keys, refusals, applying a version", .serialized)
struct LiveSettingsTests {
    @Test func keysAndRefusals() {
        #expect(
            Set(LiveSettings.keys(for: .worker).keys) == ["log-level", "repair-rate", "rebuild-rate", "rebalance-rate"])
        #expect(
            LiveSettings.problem(with: ["rebuild-rate": "100001"], for: .worker)?.hasPrefix("rebuild-rate must") == true
        )
        #expect(
            LiveSettings.problem(with: ["rebalance-rate": "-2"], for: .worker)?.hasPrefix("rebalance-rate must") == true
        )
        #expect(LiveSettings.problem(with: ["rebalance-rate": "0"], for: .worker) == nil)
        #expect(Set(LiveSettings.keys(for: .gateway).keys) == ["log-level"])
        #expect(LiveSettings.problem(with: ["repair-rate": "0"], for: .worker) == nil)
        #expect(LiveSettings.problem(with: ["repair-rate": "-1"], for: .worker)?.hasPrefix("repair-rate must") == true)
        // Repair left the gateway for ksan-worker: the portal refuses the key for gateways.
        #expect(LiveSettings.problem(with: ["repair-rate": "8"], for: .gateway)?.contains("not applied live") == true)
        #expect(LiveSettings.problem(with: ["repair-rate": "8"], for: .osd)?.contains("not applied live") == true)
        #expect(Set(LiveSettings.keys(for: .osd).keys) == ["log-level", "scrub-interval", "scrub-rate"])
        #expect(LiveSettings.problem(with: ["scrub-interval": "0", "scrub-rate": "1"], for: .osd) == nil)
        #expect(LiveSettings.problem(with: ["scrub-interval": "0.5", "scrub-rate": "100000"], for: .osd) == nil)
        for bad in ["-1", "nan", "inf", "31536001", "", "1s"] {
            #expect(
                LiveSettings.problem(with: ["scrub-interval": bad], for: .osd)?.hasPrefix("scrub-interval must")
                    == true,
                "\(bad)")
        }
        for bad in ["0", "100001", "1.5", "-3", ""] {
            #expect(LiveSettings.problem(with: ["scrub-rate": bad], for: .osd)?.hasPrefix("scrub-rate must") == true)
        }
        #expect(LiveSettings.problem(with: ["scrub-rate": "8"], for: .gateway)?.contains("not applied live") == true)
    }

    @Test func applyingAVersionAndLeavingKeysOut() {
        let interval = LiveSettings.scrubInterval.value
        let rate = LiveSettings.scrubRate.value
        defer {
            LiveSettings.scrubInterval.value = interval
            LiveSettings.scrubRate.value = rate
        }
        LiveSettings.scrubInterval.value = 86_400
        LiveSettings.scrubRate.value = 64
        let defaults = LiveSettings.current(for: .osd)
        #expect(defaults["scrub-interval"] == "86400.0" && defaults["scrub-rate"] == "64")
        #expect(LiveSettings.current(for: .gateway)["scrub-rate"] == nil)

        LiveSettings.apply(["scrub-interval": "2.5", "scrub-rate": "8"], defaults: defaults)
        #expect(LiveSettings.scrubInterval.value == 2.5 && LiveSettings.scrubRate.value == 8)
        // A later version without scrub-rate: the rate returns to the start's.
        LiveSettings.apply(["scrub-interval": "0"], defaults: defaults)
        #expect(LiveSettings.scrubInterval.value == 0 && LiveSettings.scrubRate.value == 64)
        LiveSettings.apply([:], defaults: defaults)
        #expect(LiveSettings.scrubInterval.value == 86_400)
    }
}
