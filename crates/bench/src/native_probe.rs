//! The `probe` suite: `probe_decode_stream` of the wasm probe crate, called natively on
//! the inputs the browser bench uses, for reference next to the browser figures.

use crate::harness::{run_rounds, Case, Label, Sample};
use crate::impls::probe::ProbeInput;
use crate::report;
use crate::workloads::{self, Spec, W1, W3};
use crate::Options;

/// The implementation name on the printed lines.
const NAME: &str = "mqttscope-probe-native";

/// Times W1 (chunk 4096, level 4) and W3 (chunk 4096, level 5), interleaved.
pub fn run(opts: &Options) -> Result<(), String> {
    let specs: Vec<&Spec> = [&W1, &W3]
        .into_iter()
        .filter(|s| opts.workloads.iter().any(|w| w.id == s.id))
        .collect();
    let inputs = specs
        .iter()
        .map(|s| workloads::load(s, &opts.data_dir).map(|d| ProbeInput::new(&d)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut cases: Vec<Case<'_>> = specs
        .iter()
        .zip(&inputs)
        .map(|(s, input)| probe_case(s, input))
        .collect();
    run_rounds(&mut cases, opts.warmup, opts.runs)?;
    report::print_cases("native", &cases);
    Ok(())
}

fn probe_case<'a>(spec: &Spec, input: &'a ProbeInput) -> Case<'a> {
    let label = Label {
        workload: spec.id,
        op: "decode",
        implementation: NAME,
        chunk: spec.chunk,
        bytes: spec.bytes,
        expected: spec.counts,
        per_type: false,
    };
    let (chunk, level) = (spec.chunk, spec.level);
    Case::new(label, move || {
        Sample::time(|| input.decode_stream(chunk, level))
    })
}
