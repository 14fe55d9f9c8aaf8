//! Forms that act on Asterisk itself: modules (ModuleLoad and ModuleCheck
//! from one form) and the CLI command console.

use crate::ami::Action;
use crate::ami::action::MODULE_LOAD_SUBSYSTEMS;

use crate::ops::check::Check;
use crate::ops::form::{FieldError, FieldSpec, Form, FormDef};
use crate::ops::op::{Op, Request};

pub(in crate::ops) static MODULE: FormDef = FormDef {
    fields: &[
        FieldSpec::new(
            "Module",
            "A module file like app_queue.so, or cdr, enum, dnsmgr, extconfig, manager, rtp, http",
        ),
        FieldSpec::new(
            "LoadType",
            "check, load, unload or reload (reload with no Module reloads everything)",
        )
        .default("check"),
    ],
    build: module,
};

pub(in crate::ops) static CONSOLE: FormDef = FormDef {
    fields: &[FieldSpec::new(
        "Command",
        "An Asterisk CLI command, e.g. core show channels",
    )],
    build: console,
};

/// `app_queue.so`: a module file name.
fn is_module_file(name: &str) -> bool {
    name.strip_suffix(".so").is_some_and(is_module_name)
}

/// `app_queue`: what a module file is called without `.so`.
fn is_module_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn module(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let module = check.optional("Module");
    let load_type = check
        .optional("LoadType")
        .unwrap_or("check")
        .to_ascii_lowercase();
    let is_subsystem =
        module.is_some_and(|m| MODULE_LOAD_SUBSYSTEMS.contains(&m.to_ascii_lowercase().as_str()));
    let request = match load_type.as_str() {
        "check" => {
            let module = check.required("Module").unwrap_or_default();
            if !module.is_empty() && (is_subsystem || !is_module_name(module)) {
                check.fail(
                    "Module",
                    "check takes a module, e.g. app_queue or app_queue.so",
                );
            }
            Request::new(
                Op::Module,
                Action::new("ModuleCheck").header("Module", module),
            )
        }
        "load" | "unload" => {
            let module = check.required("Module").unwrap_or_default();
            if !module.is_empty() && !is_module_file(module) {
                check.fail(
                    "Module",
                    format!("{load_type} takes a module file, e.g. app_echo.so"),
                );
            }
            let action = Action::new("ModuleLoad")
                .header("LoadType", load_type.as_str())
                .header("Module", module);
            let request = Request::new(Op::Module, action);
            if load_type == "unload" {
                request.confirm_with(format!(
                    "Unload {module}? Whatever it provides stops at once."
                ))
            } else {
                request
            }
        }
        "reload" => {
            let mut action = Action::new("ModuleLoad").header("LoadType", "reload");
            if let Some(module) = module {
                if !is_subsystem && !is_module_file(module) {
                    check.fail(
                        "Module",
                        "reload takes a module file like app_queue.so, a subsystem, or nothing",
                    );
                }
                action.push("Module", module);
            }
            Request::new(Op::Module, action)
        }
        _ => {
            check.fail("LoadType", "LoadType must be check, load, unload or reload");
            Request::new(Op::Module, Action::new("ModuleLoad"))
        }
    };
    check.finish(request)
}

fn console(form: &Form) -> Result<Request, Vec<FieldError>> {
    let mut check = Check::new(form);
    let command = check.required("Command").unwrap_or_default();
    let action = Action::new("Command").header("Command", command);
    check.finish(Request::new(Op::Console, action))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::forms::testing::{errors, form, pairs, sent, submitted};

    #[test]
    fn check_sends_module_check_with_or_without_so() {
        for name in ["app_queue", "app_queue.so"] {
            let filled = form(Op::Module, &[("Module", name)]);
            let request = submitted(&filled);
            assert_eq!(request.action.name(), "ModuleCheck");
            assert_eq!(sent(&filled), pairs(&[("Module", name)]));
        }
        assert_eq!(errors(&form(Op::Module, &[]))[0].0, "Module");
        assert_eq!(
            errors(&form(Op::Module, &[("Module", "cdr")]))[0].0,
            "Module"
        );
    }

    #[test]
    fn load_and_unload_need_a_module_file_and_unload_asks_first() {
        let load = form(
            Op::Module,
            &[("Module", "app_echo.so"), ("LoadType", "load")],
        );
        let request = submitted(&load);
        assert_eq!(request.action.name(), "ModuleLoad");
        assert_eq!(
            sent(&load),
            pairs(&[("LoadType", "load"), ("Module", "app_echo.so")])
        );
        assert_eq!(request.confirmation(), None);

        let unload = form(
            Op::Module,
            &[("Module", "app_echo.so"), ("LoadType", "Unload")],
        );
        let request = submitted(&unload);
        assert!(
            request
                .confirmation()
                .unwrap()
                .contains("Unload app_echo.so?")
        );
        assert_eq!(request.action.get("LoadType"), Some("unload"));

        for bad in ["app_echo", "cdr", "app echo.so", ""] {
            let refused = form(Op::Module, &[("Module", bad), ("LoadType", "load")]);
            assert_eq!(errors(&refused)[0].0, "Module", "{bad:?}");
        }
    }

    #[test]
    fn reload_takes_a_file_a_subsystem_or_nothing() {
        let everything = form(Op::Module, &[("LoadType", "reload")]);
        assert_eq!(sent(&everything), pairs(&[("LoadType", "reload")]));
        let subsystem = form(Op::Module, &[("Module", "manager"), ("LoadType", "reload")]);
        assert_eq!(
            sent(&subsystem),
            pairs(&[("LoadType", "reload"), ("Module", "manager")])
        );
        let file = form(
            Op::Module,
            &[("Module", "chan_pjsip.so"), ("LoadType", "reload")],
        );
        assert_eq!(submitted(&file).confirmation(), None);
        let bad = form(Op::Module, &[("Module", "pjsip"), ("LoadType", "reload")]);
        assert_eq!(errors(&bad)[0].0, "Module");
        let bogus = form(
            Op::Module,
            &[("Module", "app_echo.so"), ("LoadType", "bogus")],
        );
        assert_eq!(errors(&bogus)[0].0, "LoadType");
    }

    #[test]
    fn console_sends_the_command() {
        let filled = form(Op::Console, &[("Command", " core show version ")]);
        assert_eq!(sent(&filled), pairs(&[("Command", "core show version")]));
        assert_eq!(errors(&form(Op::Console, &[]))[0].0, "Command");
        let injected = form(
            Op::Console,
            &[("Command", "core show version\nAction: Originate")],
        );
        assert!(errors(&injected)[0].1.contains("line break"));
    }
}
