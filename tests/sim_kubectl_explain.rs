//! `kubectl explain` against the simulator's OpenAPI v3 document: the kinds it serves,
//! their fields with the Kubernetes API's own descriptions, nested paths, `--recursive`,
//! and kubectl's error for a field that does not exist.

use crate::util::TestCluster;

#[test]
fn explain_prints_kinds_and_fields_with_their_api_docs() {
    let c = TestCluster::start();
    let pod = c.kubectl(&["explain", "pod"]);
    let text = pod.ok();
    assert!(text.starts_with("KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n    Pod is a collection of containers that can run on a host. This resource is\n    created by clients and scheduled onto hosts.\n"), "{text}");
    for field in
        ["  apiVersion\t<string>\n", "  metadata\t<ObjectMeta>\n", "  spec\t<PodSpec>\n", "  status\t<PodStatus>\n"]
    {
        assert!(text.contains(field), "{field:?} in\n{text}");
    }

    let image = c.kubectl(&["explain", "pod.spec.containers.image"]);
    assert!(image.ok().contains("FIELD: image <string>\n"), "{}", image.stdout);
    assert!(image.stdout.contains("    Container image name. More info:\n"));

    let containers = c.kubectl(&["explain", "pods.spec.containers"]);
    assert!(containers.ok().contains("FIELD: containers <[]Container>\n"));
    assert!(containers.stdout.contains("  name\t<string> -required-\n"), "{}", containers.stdout);

    let recursive = c.kubectl(&["explain", "pod", "--recursive"]);
    let tree = recursive.ok();
    assert!(tree.contains("\n    containers\t<[]Container> -required-\n"), "{tree}");
    assert!(tree.contains("\n      livenessProbe\t<Probe>\n"));

    let svc = c.kubectl(&["explain", "svc.spec.type"]);
    assert!(svc.ok().starts_with("KIND:       Service\nVERSION:    v1\n\nFIELD: type <string>\n"));

    let nope = c.kubectl(&["explain", "pod.spec.nope"]);
    assert_eq!(nope.fails().lines().last(), Some("error: field \"nope\" does not exist"));
}
