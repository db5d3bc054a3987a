use akslint::engine::process;

fn main() -> std::process::ExitCode {
    // A policy process (engine/process/) started by akslint itself.
    if std::env::args_os()
        .nth(1)
        .is_some_and(|a| a == process::SERVE_ARG)
    {
        return process::serve();
    }
    process::enable();
    std::process::ExitCode::from(akslint::run(std::env::args_os()))
}
