import FleetAuditFrontend
import FleetAuditTestSupport
import Foundation
import Testing

/// `fleet-audit export` must describe the script as it is: its path and every option it accepts.
@Suite struct ExportInstructionsTests {
    @Test func namesTheScriptAndEveryFlag() {
        let text = ExportInstructions.render()
        #expect(text.contains("scripts/export-snapshot.sh --out DIR"))
        for flag in ["--out DIR", "--region R", "--profile P", "--endpoint-url URL", "--logs-days N", "--parallel N"] {
            #expect(text.contains(flag), "missing \(flag)")
        }
        #expect(text.contains("tar -czf"))
        #expect(text.contains("sha256sum"))
    }

    @Test func listsExactlyTheOptionsOfTheScript() throws {
        let source = try String(
            contentsOfFile: repositoryRoot + "/scripts/export_snapshot.py", encoding: .utf8)
        // The first argument of every `parser.add_argument(` call, wherever the line breaks.
        let scriptFlags = Set(
            source.components(separatedBy: "add_argument(").dropFirst().compactMap { call -> String? in
                let argument = call.drop { $0 == " " || $0 == "\n" }
                guard argument.hasPrefix("\"--") else { return nil }
                return String(argument.dropFirst().prefix { $0 != "\"" })
            })
        let documentedFlags = Set(
            ExportInstructions.options.map { String($0.flag.split(separator: " ")[0]) })
        #expect(!scriptFlags.isEmpty)
        #expect(scriptFlags == documentedFlags)
    }

    @Test func theScriptExistsAndIsExecutable() {
        #expect(FileManager.default.isExecutableFile(atPath: repositoryRoot + "/" + ExportInstructions.script))
    }

    @Test func exportCommandPrintsTheInstructions() throws {
        let result = try runProgram(fleetAuditExecutable, ["export"])
        #expect(result.status == 0)
        #expect(result.stdout == ExportInstructions.render())
    }
}
