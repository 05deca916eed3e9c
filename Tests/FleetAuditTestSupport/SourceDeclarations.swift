import Foundation

/// What the registration tests compare with a registry: the types a module's sources
/// declare (or extend) as conforming to given protocols, so that a check or action that
/// is written but not registered fails a test instead of never running.
public enum SourceDeclarations {
    /// `Sources/` of the repository these tests were built from.
    static let sourcesDirectory = repositoryRoot + "/Sources"

    /// The text of every `.swift` file below `Sources/<module>`, by path.
    public static func files(inModule module: String) throws -> [String: String] {
        let directory = sourcesDirectory + "/" + module
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: directory])
        }
        var files: [String: String] = [:]
        while let name = enumerator.nextObject() as? String {
            guard name.hasSuffix(".swift") else { continue }
            let path = directory + "/" + name
            files[path] = try String(contentsOfFile: path, encoding: .utf8)
        }
        return files
    }

    /// The types of `Sources/<module>` that conform to one of `protocols`.
    public static func types(conformingTo protocols: Set<String>, inModule module: String) throws -> Set<String> {
        var found: Set<String> = []
        for text in try files(inModule: module).values { found.formUnion(try types(conformingTo: protocols, in: text)) }
        return found
    }

    /// The types `source` declares or extends with one of `protocols` among their conformances;
    /// `//` comments are ignored.
    public static func types(conformingTo protocols: Set<String>, in source: String) throws -> Set<String> {
        let code = source.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(line.firstRange(of: "//").map { line[..<$0.lowerBound] } ?? line)
        }.joined(separator: "\n")
        let declaration = try Regex(#"\b(?:struct|class|enum|actor|extension)\s+(\w+)(?:<[^>{]*>)?\s*:\s*([^{]*)\{"#)
        var found: Set<String> = []
        for match in code.matches(of: declaration) {
            guard let name = match.output[1].substring, let conformances = match.output[2].substring else { continue }
            let words = conformances.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" })
            if words.contains(where: { protocols.contains(String($0)) }) { found.insert(String(name)) }
        }
        return found
    }
}
