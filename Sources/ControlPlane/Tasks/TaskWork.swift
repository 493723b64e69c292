public import CloudModel
public import Foundation

/// The work of one kind of task-driven resource, as the `TaskRunner` drives it: servers now;
/// ports, volumes and attachments next. Each step reads the resource, does one thing and records
/// the outcome with compare-and-set, so the same steps serve fresh requests and adopted tasks.
public protocol TaskWork: Sendable {
    /// The kind of resource, for logs (`server`).
    var kind: String { get }

    /// Performs the next step of the resource's task if `owner` owns it. True when there is
    /// nothing more to do now (idle, gone, or owned by another controller).
    func advance(_ id: String, site: Site.ID, owner: String) async throws -> Bool

    /// The resources of `site` with a task in progress.
    func pendingTasks(site: Site.ID) async throws -> [PendingTask]

    /// Makes `owner` the owner of the task as `pending` saw it, with a fresh deadline. False when
    /// the resource moved on meanwhile (someone else adopted it, or it finished).
    func adopt(_ pending: PendingTask, owner: String) async throws -> Bool
}

/// A task in progress as found in the store: whose it is and until when.
public struct PendingTask: Sendable, Hashable {
    public var id: String
    public var site: Site.ID
    public var owner: String?
    public var deadline: Date?
    /// The revision of the record it was read at (adoption is a compare-and-set on it).
    public var revision: Int64
    /// The task, for logs.
    public var task: String

    public init(id: String, site: Site.ID, owner: String?, deadline: Date?, revision: Int64, task: String) {
        self.id = id
        self.site = site
        self.owner = owner
        self.deadline = deadline
        self.revision = revision
        self.task = task
    }
}
