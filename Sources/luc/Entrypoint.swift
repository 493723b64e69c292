import Commands

#if canImport(Glibc)
import Glibc
#endif

@main
struct Entrypoint {
    static func main() async {
        setvbuf(stdout, nil, _IOLBF, 0)  // line by line, also when redirected to a file
        await LucCommand.main()
    }
}
