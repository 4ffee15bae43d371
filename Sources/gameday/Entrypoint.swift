import GameDayCLI

@main
struct Entrypoint {
    static func main() async {
        await GameDay.start()
    }
}
