use std::process::ExitCode;

use clap::Parser;
use mailroom_api::cli::{Cli, Command};
use mailroom_api::config::Settings;
use mailroom_api::http::openapi;
use mailroom_api::startup::{self, Application};
use mailroom_api::telemetry;

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole chain of causes on one line: "cannot connect …: refused".
            tracing::error!("{error:#}");
            eprintln!("mailroom: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi { output } = &command {
        let json = openapi::document_json();
        match output {
            Some(path) => std::fs::write(path, json)?,
            None => print!("{json}"),
        }
        return Ok(());
    }
    let settings = Settings::from_config(&cli.config)?;
    match command {
        Command::Migrate => {
            startup::open_database(&settings).await?;
        }
        Command::Serve | Command::Openapi { .. } => {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
