import Commands

@main
struct Entrypoint {
    static func main() async {
        await LucCommand.runFromCommandLine()
    }
}
