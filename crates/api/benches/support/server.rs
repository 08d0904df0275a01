//! The release `mailroom serve` a benchmark drives: started on a free port with only the settings
//! given (nothing read from the environment), stopped when dropped.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The secret access tokens are signed with; a benchmark issues its own with it.
pub const SECRET: &str = "bench-secret-bench-secret-bench-secret-00";

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Server {
    /// `mailroom serve` on `database_url`, without a sender, with `settings` on top.
    pub fn start(database_url: &str, settings: &[(&str, String)]) -> Self {
        let port = crate::support::free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_mailroom"));
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("DATA_DIR", std::env::temp_dir())
            .env("DATABASE_URL", database_url)
            .env("NO_WORKER", "1")
            .env("BIND", format!("127.0.0.1:{port}"))
            .env("JWT_SECRET", SECRET)
            .env("PUBLIC_BASE_URL", "https://mailroom.example.org")
            .env("RUST_LOG", "warn");
        for (name, value) in settings {
            command.env(name, value);
        }
        let child = command
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("mailroom serve starts");
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "mailroom serve did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
