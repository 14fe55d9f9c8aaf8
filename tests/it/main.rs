//! The integration tests, in one crate so `cargo test` links them once:
//! a module per area (`codec_*`, `model_*`, `sim_*`, `ui_*`, the session,
//! resync and CLI tests, and `*_tmux` for the built binary in a real
//! terminal), the helpers they share in `support`.

mod cli;
mod cli_model;
mod codec_captures;
mod codec_props;
mod dashboard_tmux;
mod demo_tmux;
mod faults;
mod features_tmux;
mod fuzz_regressions;
mod model_agents;
mod model_events;
mod model_pbx_objects;
mod model_pbx_props;
mod model_props;
mod model_queue_figures;
mod model_queues;
mod model_registry;
mod model_replay;
mod model_spy_target;
mod model_state;
mod ops_tmux;
mod ops_wire;
mod pbx_objects_tmux;
mod resync;
mod resync_features;
mod resync_probe;
mod scale;
mod secrets;
mod session;
mod sim;
mod sim_actions;
mod sim_cli;
mod sim_legacy;
mod sim_pbx_objects;
mod sim_profiles;
mod sim_replay;
mod sim_sync;
mod sim_traffic;
mod sim_vocab;
mod support;
mod tls;
mod ui_actions;
mod ui_columns;
mod ui_features;
mod ui_kept_tables;
mod ui_keys;
mod ui_loop;
mod ui_panes;
mod ui_pbx_objects;
mod ui_render;
mod ui_selection;
mod ux_tmux;
