//! The PBX's loadable modules, for `ModuleCheck`, `ModuleLoad` and
//! `Reload`, with the replies and events of Asterisk 22
//! (`tests/fixtures/ami/b2_modules.ami`).

use std::collections::BTreeSet;

use crate::ami::action::MODULE_LOAD_SUBSYSTEMS;

use super::wire::Fields;

/// Modules on disk; every one but `app_festival.so` is loaded at start.
const AVAILABLE: [&str; 14] = [
    "app_dial.so",
    "app_echo.so",
    "app_festival.so",
    "app_mixmonitor.so",
    "app_queue.so",
    "app_voicemail.so",
    "bridge_simple.so",
    "cdr_csv.so",
    "chan_iax2.so",
    "chan_sip.so",
    "func_callerid.so",
    "pbx_config.so",
    "res_musiconhold.so",
    "res_parking.so",
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modules {
    loaded: BTreeSet<&'static str>,
}

/// The answer to a module action: Success message (or Error), and events.
#[derive(Debug)]
pub(super) struct ModuleOutcome {
    pub result: Result<&'static str, &'static str>,
    pub(super) events: Vec<Fields>,
}

impl ModuleOutcome {
    fn refused(message: &'static str) -> Self {
        ModuleOutcome {
            result: Err(message),
            events: Vec::new(),
        }
    }
}

impl Default for Modules {
    fn default() -> Self {
        Modules {
            loaded: AVAILABLE
                .iter()
                .copied()
                .filter(|m| *m != "app_festival.so")
                .collect(),
        }
    }
}

impl Modules {
    /// Whether the module (with or without `.so`) is loaded.
    pub fn is_loaded(&self, module: &str) -> bool {
        known(module).is_some_and(|m| self.loaded.contains(m))
    }

    pub fn loaded(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.loaded.iter().copied()
    }

    /// `ModuleLoad` with `LoadType` and an optional `Module`.
    pub(super) fn load_action(
        &mut self,
        load_type: Option<&str>,
        module: Option<&str>,
    ) -> ModuleOutcome {
        let load_type = load_type.map(str::to_ascii_lowercase);
        match (load_type.as_deref(), module) {
            (Some("reload"), None) => ModuleOutcome {
                result: Ok("Module reloaded."),
                events: self
                    .loaded
                    .iter()
                    .map(|m| module_event("Reload", m, "0"))
                    .collect(),
            },
            (Some("reload"), Some(name)) => self.reload(name, "Module reloaded."),
            (Some("load"), Some(name)) => match known(name) {
                Some(module) => {
                    self.loaded.insert(module);
                    ModuleOutcome {
                        result: Ok("Module loaded."),
                        events: vec![module_event("Load", module, "Success")],
                    }
                }
                None => ModuleOutcome::refused("Module not found."),
            },
            (Some("unload"), Some(name)) => match known(name).filter(|m| self.loaded.remove(m)) {
                Some(module) => ModuleOutcome {
                    result: Ok("Module unloaded."),
                    events: vec![module_event("Unload", module, "Success")],
                },
                None => ModuleOutcome::refused("Could not unload module."),
            },
            _ => ModuleOutcome::refused("Incomplete ModuleLoad action."),
        }
    }

    /// `Reload` of one module or subsystem (`message` is the success text,
    /// which differs between `ModuleLoad` and `Reload`).
    pub(super) fn reload(&self, name: &str, message: &'static str) -> ModuleOutcome {
        let subsystem = MODULE_LOAD_SUBSYSTEMS
            .iter()
            .find(|s| s.eq_ignore_ascii_case(name));
        let module = known(name).filter(|m| self.loaded.contains(m));
        match subsystem.or(module.as_ref()) {
            Some(module) => ModuleOutcome {
                result: Ok(message),
                events: vec![module_event("Reload", module, "0")],
            },
            None => ModuleOutcome::refused("No such module."),
        }
    }
}

/// The module file a name refers to (`app_queue` or `app_queue.so`).
fn known(name: &str) -> Option<&'static str> {
    let name = name.trim();
    let base = name.strip_suffix(".so").unwrap_or(name);
    AVAILABLE
        .iter()
        .copied()
        .find(|m| m.strip_suffix(".so") == Some(base))
}

fn module_event(event: &str, module: &str, status: &str) -> Fields {
    Fields::event(event)
        .with("Privilege", "system,all")
        .with("Module", module)
        .with("Status", status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unload_then_load_changes_what_is_loaded() {
        let mut modules = Modules::default();
        assert!(modules.is_loaded("app_queue") && modules.is_loaded("app_queue.so"));
        assert!(!modules.is_loaded("chan_pjsip.so"));
        let out = modules.load_action(Some("unload"), Some("app_echo.so"));
        assert_eq!(out.result, Ok("Module unloaded."));
        assert!(!modules.is_loaded("app_echo.so"));
        assert_eq!(
            modules
                .load_action(Some("unload"), Some("app_echo.so"))
                .result,
            Err("Could not unload module.")
        );
        assert_eq!(
            modules
                .load_action(Some("load"), Some("app_nosuchthing.so"))
                .result,
            Err("Module not found.")
        );
        assert_eq!(
            modules
                .load_action(Some("bogus"), Some("app_echo.so"))
                .result,
            Err("Incomplete ModuleLoad action.")
        );
        assert_eq!(
            modules.reload("manager", "Module Reloaded").result,
            Ok("Module Reloaded")
        );
    }
}
