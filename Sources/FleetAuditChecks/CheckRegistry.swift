import FleetAuditCore

/// Every check FleetAudit runs, in the order findings are written.
public enum CheckRegistry {
    public static let all: [any AuditCheck.Type] = [
        LoggingDisabledCheck.self,
        IoTPolicyOverlyPermissiveCheck.self,
        IoTPolicyPotentialMisconfigurationCheck.self,
        IoTRoleAliasOverlyPermissiveCheck.self,
        IoTRoleAliasAllowsAccessToUnusedServicesCheck.self,
        UnauthenticatedCognitoRoleOverlyPermissiveCheck.self,
        AuthenticatedCognitoRoleOverlyPermissiveCheck.self,
        DeviceCertificateExpiringCheck.self,
        CACertificateExpiringCheck.self,
        DeviceCertificateAgeCheck.self,
        DeviceCertificateKeyQualityCheck.self,
        CACertificateKeyQualityCheck.self,
        RevokedDeviceCertificateStillActiveCheck.self,
        RevokedCACertificateStillActiveCheck.self,
        IntermediateCARevokedForActiveDeviceCertificatesCheck.self,
        DeviceCertificateSharedCheck.self,
        ConflictingClientIdsCheck.self,
    ]

    /// The descriptions of every check, in registry order (what configurations and suppressions are validated against).
    public static let descriptions: [CheckDescription] = all.map { $0.description }

    /// The check named `name` or one of its aliases.
    public static func check(named name: String) -> (any AuditCheck.Type)? {
        guard let checkName = CheckName(named: name) else { return nil }
        return check(checkName)
    }

    /// The registered check of that name.
    public static func check(_ name: CheckName) -> (any AuditCheck.Type)? {
        all.first { $0.description.check == name }
    }

    /// Resolves names to checks in registry order, or returns the unknown names.
    public static func resolve(_ names: [String]) -> Result<[any AuditCheck.Type], UnknownCheckNames> {
        let unknown = names.filter { check(named: $0) == nil }
        guard unknown.isEmpty else { return .failure(UnknownCheckNames(names: unknown)) }
        let wanted = Set(names.compactMap { check(named: $0)?.description.name })
        return .success(all.filter { wanted.contains($0.description.name) })
    }
}
