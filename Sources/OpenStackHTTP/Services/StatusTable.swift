public import ControlPlane

/// The HTTP status of each control-plane error code for one service. The codes share their
/// statuses across services except where a service's API reference says otherwise: over-limit is
/// 403 in Nova, 413 in Glance and Cinder, 409 in Neutron.
public struct StatusTable: Sendable {
    private let overrides: [ControlPlaneError.Code: Int]

    public init(_ overrides: [ControlPlaneError.Code: Int] = [:]) {
        self.overrides = overrides
    }

    public func status(of code: ControlPlaneError.Code) -> Int {
        if let status = overrides[code] { return status }
        switch code {
        case .badRequest: return 400
        case .unauthorized: return 401
        case .forbidden: return 403
        case .notFound: return 404
        case .conflict: return 409
        case .overLimit: return 413
        case .unavailable: return 503
        default: return 500
        }
    }
}
