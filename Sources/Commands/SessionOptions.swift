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
        if let stateDir, authURL == nil {
            let config = try CloudConfiguration.load(URL(fileURLWithPath: stateDir).appendingPathComponent("cloud.json").path)
            guard let admin = config.accounts.first(where: { $0.role == "admin" }) else { throw CommandError("no admin account in \(stateDir)") }
            let url = authURL ?? env["OS_AUTH_URL"] ?? "http://127.0.0.1:5001/identity/v3"
            return try await OpenStackSession.login(authURL: url, user: admin.user, password: admin.password, project: admin.project,
                                                    client: client)
        }
        guard let url = authURL ?? env["OS_AUTH_URL"], let user = user ?? env["OS_USERNAME"],
              let password = password ?? env["OS_PASSWORD"], let project = project ?? env["OS_PROJECT_NAME"]
        else { throw CommandError("say which cloud: --state-dir of a demo, or OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME") }
        return try await OpenStackSession.login(authURL: url, user: user, password: password, project: project, client: client)
    }
}
