import ArgumentParser
import AsyncHTTPClient
import Foundation

/// How `luc status` and `luc bench` reach a cloud: a demo state directory, or OS_* credentials.
struct SessionOptions: ParsableArguments {
    @Option(help: "A `luc demo` state directory (admin credentials and URLs are read from it).") var stateDir: String?
    @Option(help: "Identity URL (default: $OS_AUTH_URL).") var authURL: String?
    @Option(help: "User (default: $OS_USERNAME).") var user: String?
    @Option(help: "Password (default: $OS_PASSWORD).") var password: String?
    @Option(help: "Project (default: $OS_PROJECT_NAME).") var project: String?

    func login(client: HTTPClient) async throws -> OpenStackSession {
        let env = ProcessInfo.processInfo.environment
        if let stateDir {
            let root = URL(fileURLWithPath: stateDir)
            let config = try CloudConfiguration.load(root.appendingPathComponent("cloud.json").path)
            guard let admin = config.accounts.first(where: { $0.role == "admin" }) else { throw CommandError("no admin account in \(stateDir)") }
            let written = try? String(contentsOf: root.appendingPathComponent("auth-url"), encoding: .utf8)
            guard let url = authURL ?? written?.trimmingCharacters(in: .whitespacesAndNewlines) else {
                throw CommandError("\(stateDir) has no running demo (no auth-url file); pass --auth-url")
            }
            return try await OpenStackSession.login(authURL: url, user: admin.user, password: admin.password, project: admin.project,
                                                    client: client)
        }
        guard let url = authURL ?? env["OS_AUTH_URL"], let user = user ?? env["OS_USERNAME"],
              let password = password ?? env["OS_PASSWORD"], let project = project ?? env["OS_PROJECT_NAME"]
        else { throw CommandError("say which cloud: --state-dir of a demo, or OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME") }
        return try await OpenStackSession.login(authURL: url, user: user, password: password, project: project, client: client)
    }
}
