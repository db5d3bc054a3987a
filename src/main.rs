fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(akslint::run(std::env::args_os()))
}
