use std::process::ExitCode;
use std::sync::Arc;

mod bounce;
mod send;

use clap::Parser;
use std::io::IsTerminal;

use mailroom_api::auth::admin;
use mailroom_api::cli::{Cli, Command, DkimCommand};
use mailroom_api::clock::{Clock, SystemClock};
use mailroom_api::config::Settings;
use mailroom_api::http::openapi;
use mailroom_api::mail::dkim;
use mailroom_api::sending::{Background, SenderHealth};
use mailroom_api::startup::{self, Application};
use mailroom_api::telemetry;
use mailroom_domain::Role;

#[tokio::main]
async fn main() -> ExitCode {
    // Fault injection for the tests (`FAILPOINTS=name=action`), only in builds with the
    // `failpoints` feature: a release build ignores the variable.
    #[cfg(feature = "failpoints")]
    let _failpoints = fail::FailScenario::setup();
    let cli = Cli::parse();
    telemetry::init(cli.config.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(error) => {
            // `{:#}` prints the whole chain of causes on one line: "cannot connect …: refused".
            eprintln!("mailroom: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Openapi { output } = &command {
        let json = openapi::document_json();
        match output {
            Some(path) => std::fs::write(path, json)?,
            None => print!("{json}"),
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Dkim {
        action:
            DkimCommand::Generate {
                selector,
                domain,
                algorithm,
                out,
            },
    } = &command
    {
        let written =
            dkim::write_new_key(*algorithm, selector, domain, out).map_err(anyhow::Error::msg)?;
        print!("{written}");
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Bounce { recipient, sender } = &command {
        // Whatever stops it, the MTA keeps the mail and tries again: never a bounce of a bounce.
        return Ok(match Settings::from_config(&cli.config) {
            Ok(settings) => bounce::bounce(&settings, recipient.clone(), sender)
                .await
                .unwrap_or_else(|error| bounce::try_again_later(&error)),
            Err(error) => bounce::try_again_later(&error.into()),
        });
    }
    let settings = Settings::from_config(&cli.config)?;
    match command {
        Command::Migrate => {
            startup::open_database(&settings).await?;
        }
        Command::CreateManager { email, full_name } => {
            let password = read_password()?;
            let pool = startup::open_database(&settings).await?;
            let user =
                admin::create_manager(&pool, &email, &full_name, &password, SystemClock.now())
                    .await?;
            changed(&settings, user.id).await?;
            println!("created manager {} (id {})", user.email, user.id);
        }
        Command::Promote { email } => {
            let pool = startup::open_database(&settings).await?;
            let (_, cache) = startup::open_cache(&settings)?;
            let user =
                admin::set_role(&pool, &cache, &email, Role::Manager, SystemClock.now()).await?;
            println!("{} is now a manager", user.email);
        }
        Command::Demote { email } => {
            let pool = startup::open_database(&settings).await?;
            let (_, cache) = startup::open_cache(&settings)?;
            let user =
                admin::set_role(&pool, &cache, &email, Role::User, SystemClock.now()).await?;
            println!("{} is now a user", user.email);
        }
        Command::Send {
            mailing_id,
            no_wait,
        } => send::send(&settings, mailing_id, no_wait).await?,
        // Answered above, before the settings could stop it.
        Command::Bounce { .. } => {}
        Command::Worker => {
            let pool = startup::open_database(&settings).await?;
            let clock: Arc<dyn Clock> = Arc::new(SystemClock);
            let (_, cache) = startup::open_cache(&settings)?;
            let transport = startup::open_transport(&settings)?;
            let worker = startup::build_worker(
                &settings,
                transport.clone(),
                pool.clone(),
                cache.clone(),
                clock.clone(),
            );
            tracing::info!("worker started");
            let health = SenderHealth::default();
            let jobs = startup::build_jobs(
                &settings,
                pool.clone(),
                cache.clone(),
                clock.clone(),
                transport,
            )?;
            let stop_listening = tokio_util::sync::CancellationToken::new();
            let listening = match startup::bind_bounce_listener(&settings)? {
                Some(socket) => Some(startup::spawn_bounce_listener(
                    &settings,
                    socket,
                    pool.clone(),
                    cache.clone(),
                    clock.clone(),
                    stop_listening.clone(),
                )?),
                None => None,
            };
            let background = Background::spawn(
                worker,
                jobs,
                pool,
                cache,
                clock,
                settings.sending.tick,
                health.clone(),
            );
            // A sender that stops by itself ends the process with an error, so that whatever
            // supervises it (systemd, an orchestrator) starts it again.
            let failed = tokio::select! {
                () = send::stopped() => None,
                why = health.failed() => Some(why),
            };
            if failed.is_none() {
                tracing::info!("stopping: finishing the deliveries in flight");
            }
            background.shutdown().await;
            stop_listening.cancel();
            if let Some(listening) = listening {
                let _ = listening.await;
            }
            if let Some(why) = failed {
                anyhow::bail!("the sender stopped: {why}");
            }
            tracing::info!("worker stopped");
        }
        Command::Serve | Command::Openapi { .. } | Command::Dkim { .. } => {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Tells the shared cache (Redis) that an account changed; without Redis there is no other
/// process's cache this one could reach.
async fn changed(settings: &Settings, user_id: i64) -> anyhow::Result<()> {
    let (_, cache) = startup::open_cache(settings)?;
    cache.changed([user_id]).await;
    Ok(())
}

/// At a terminal, asks twice without echoing; otherwise reads the first line of standard input, so
/// scripts can pipe the password in.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the new manager: ")?;
        let second = rpassword::prompt_password("Once more: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}
