public import Hummingbird
import NIOCore
import NIOFoundationEssentialsCompat

extension Response {
    /// A JSON response.
    public static func json(_ body: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let bytes = body.serialized()
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An empty response (204, 202, …).
    public static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        if status != .noContent { headers[.contentLength] = "0" }
        return Response(status: status, headers: headers, body: .init())
    }
}

extension Request {
    /// The body parsed as JSON (at most 1 MiB); 400 when it is not JSON.
    public func json(context: APIRequestContext) async throws -> JSON {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.badRequest("The request body is empty; a JSON object is required.") }
        guard let json = JSON.parse(Data(buffer: buffer)) else {
            throw APIError.badRequest("Malformed request body: it is not valid JSON.")
        }
        return json
    }

    /// The query string as ordered (name, value) pairs, `+` and percent-escapes decoded.
    public var query: Query { Query(uri.query ?? "") }
}

import Foundation
