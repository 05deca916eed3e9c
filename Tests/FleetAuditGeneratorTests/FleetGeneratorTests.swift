import FleetAuditGenerator
import Testing

@Suite struct FleetGeneratorTests {
    @Test func placeholder() {}
}
