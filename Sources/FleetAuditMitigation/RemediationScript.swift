import FleetAuditCore
import FleetAuditJSON

/// `remediation.sh`, written with a mitigation task's records: the AWS CLI
/// commands that make the task's changes in the real account, for its owner
/// (docs/mitigation.md, "remediation.sh").
///
/// Every value comes from the snapshot, the audit or the actions file, so none
/// is trusted: values are single-quoted (a `'` inside becomes `'\''`), which
/// makes `$(...)`, backquotes, `;`, globs and newlines literal; comments are
/// escaped by `TerminalText`, which leaves no line break in them. A value
/// holding a NUL byte cannot be passed as an argument at all: its command is
/// left out and named in a comment. The script is a dry run unless `--apply`.
public enum RemediationScript {
    public static let fileName = "remediation.sh"

    /// What the script is about: the task, its audit and the account.
    public struct Header: Sendable {
        public var taskId: String
        public var auditTaskId: String
        public var accountId: String
        public var region: String
    }

    /// One completed execution that changed something.
    public struct Entry: Sendable {
        public var finding: AuditedFinding
        public var actionName: String
        public var actionType: String
        public var changes: [ResourceChange]
    }

    public static func render(_ header: Header, entries: [Entry]) -> String {
        let account = quoted(header.accountId)
        var lines = [
            "#!/usr/bin/env bash",
            "# \(fileName): the AWS CLI commands that make the changes of fleet-audit mitigation task",
            "# \(comment(header.taskId)) (audit \(comment(header.auditTaskId))) in account \(comment(header.accountId)), "
                + "region \(comment(header.region)).",
            "#",
            "# Dry run by default: every command is printed and none runs.",
            "#   ./\(fileName)            print the commands",
            "#   ./\(fileName) --apply    run them (the AWS CLI's credentials must be of the account above)",
            "set -euo pipefail",
            "",
            "apply=false",
            "case \"${1-}\" in",
            "    --apply) apply=true ;;",
            "    '') ;;",
            "    *) echo \"usage: $0 [--apply]\" >&2; exit 64 ;;",
            "esac",
            "",
            "if [ \"$apply\" = true ]; then",
            "    account=$(aws sts get-caller-identity --query Account --output text)",
            "    if [ \"$account\" != \(account) ]; then",
            "        echo \"\(fileName): the AWS credentials are of account $account, not \"\(account)\"; nothing was run\" >&2",
            "        exit 1",
            "    fi",
            "fi",
            "",
            "# Prints the command as it can be pasted into a shell (single-quoted; a value with a",
            "# character that is not printable in %q form, so none reaches the terminal) or, with",
            "# --apply, runs it.",
            "run() {",
            "    if [ \"$apply\" = true ]; then",
            "        \"$@\"",
            "        return",
            "    fi",
            "    local word shown line=",
            "    for word in \"$@\"; do",
            "        if [[ $word =~ ^[A-Za-z0-9_./:=@%+,-]+$ ]]; then",
            "            shown=$word",
            "        elif [[ $word == *[![:print:]]* ]]; then",
            "            printf -v shown '%q' \"$word\"",
            "        else",
            "            shown=\"'${word//\\'/\\'\\\\\\'\\'}'\"",
            "        fi",
            "        line+=\"${line:+ }$shown\"",
            "    done",
            "    printf '%s\\n' \"$line\"",
            "}",
        ]
        var commands = 0
        for entry in entries where !entry.changes.isEmpty {
            lines.append("")
            lines.append(
                "# finding \(comment(entry.finding.findingId)): \(comment(entry.finding.checkName)) "
                    + "\(comment(entry.finding.reasonCode)), \(comment(entry.finding.resourceText)); action "
                    + "\(comment(entry.actionName)) (\(comment(entry.actionType)))")
            for change in entry.changes {
                lines.append("# \(comment(change.summary))")
                let command = change.awsCommand(region: header.region)
                if command.contains(where: { $0.text.utf8.contains(0) }) {
                    lines.append("# left out: a value holds a NUL byte, which no command-line argument can carry")
                    continue
                }
                lines.append("run " + command.map(shellText).joined(separator: " "))
                commands += 1
            }
        }
        if commands == 0 {
            lines.append("")
            lines.append("# The task changed nothing, so there is nothing to run.")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A value in single quotes: nothing inside is special to the shell.
    public static func quoted(_ value: String) -> String {
        var output = "'"
        for scalar in value.unicodeScalars {
            if scalar == "'" {
                output += "'\\''"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output + "'"
    }

    static func shellText(_ word: ShellWord) -> String {
        switch word {
        case .word(let text): return text
        case .value(let text): return quoted(text)
        }
    }

    /// Text for a comment: escaped, so it holds no line break and no control character.
    static func comment(_ text: String) -> String {
        TerminalText.escape(text, limit: 512)
    }
}
