/// `scripts/validate-defender-schema.py`: a file checked strictly against one shape of botocore's
/// AWS IoT model (unknown members, missing required ones, wrong types and enum values fail).
/// Needs python3 with botocore; without it the validation fails rather than being skipped.
public enum DefenderSchemaValidator {
    public static let script = repositoryRoot + "/scripts/validate-defender-schema.py"

    /// Validates `file` as `shape`, allowing the top-level members `extra` (FleetAudit's own
    /// additions, such as `taskId`). Returns the validator's exit status and its stderr.
    public static func validate(_ file: String, shape: String, extra: [String] = []) throws -> (
        status: Int32, errors: String
    ) {
        let arguments = ["python3", script, "--shape", shape] + extra.flatMap { ["--allow-extra", $0] } + [file]
        let result = try runProgram("/usr/bin/env", arguments)
        return (result.status, result.stderr)
    }
}
