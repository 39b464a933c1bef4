//! The `Volumes:` section of `describe pod`, one branch per volume source, each line as
//! kubectl writes it (describe.go `describeVolumes` and its `print*VolumeSource`
//! helpers), including Go's `%v` rendering of lists, maps and references.

use k8s_openapi::api::core::v1::{PersistentVolumeClaimSpec, Volume};

use super::text::{Out, go_bool, go_list, go_map, go_ref};
use crate::common::quantity::canonical;

pub(super) fn volumes(o: &mut Out, vols: Option<&Vec<Volume>>) {
    let Some(vols) = vols.filter(|v| !v.is_empty()) else {
        o.w(0, "Volumes:\t<none>\n");
        return;
    };
    o.w(0, "Volumes:\n");
    for v in vols {
        o.w(1, &format!("{}:\n", v.name));
        source(o, v);
    }
}

/// Level-2 lines: the first at the level's indent, the rest with four spaces, as the
/// Go format strings spell them.
fn lines(o: &mut Out, first: &str, rest: &[(&str, String)]) {
    let mut text = format!("{first}\n");
    for (k, v) in rest {
        text.push_str(&format!("    {k}:\t{v}\n"));
    }
    o.w(2, &text);
}

fn source(o: &mut Out, v: &Volume) {
    if let Some(h) = &v.host_path {
        let ty = h.type_.clone().unwrap_or_else(|| "<none>".into());
        lines(o, "Type:\tHostPath (bare host directory volume)", &[("Path", h.path.clone()), ("HostPathType", ty)]);
    } else if let Some(e) = &v.empty_dir {
        let size = e.size_limit.as_ref().map(|q| canonical(&q.0)).filter(|q| q != "0" && !q.starts_with('-'));
        lines(
            o,
            "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)",
            &[
                ("Medium", e.medium.clone().unwrap_or_default()),
                ("SizeLimit", size.unwrap_or_else(|| "<unset>".into())),
            ],
        );
    } else if let Some(g) = &v.gce_persistent_disk {
        lines(
            o,
            "Type:\tGCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            &[
                ("PDName", g.pd_name.clone()),
                ("FSType", g.fs_type.clone().unwrap_or_default()),
                ("Partition", g.partition.unwrap_or(0).to_string()),
                ("ReadOnly", go_bool(g.read_only).to_string()),
            ],
        );
    } else if let Some(a) = &v.aws_elastic_block_store {
        lines(
            o,
            "Type:\tAWSElasticBlockStore (a Persistent Disk resource in AWS)",
            &[
                ("VolumeID", a.volume_id.clone()),
                ("FSType", a.fs_type.clone().unwrap_or_default()),
                ("Partition", a.partition.unwrap_or(0).to_string()),
                ("ReadOnly", go_bool(a.read_only).to_string()),
            ],
        );
    } else if let Some(g) = &v.git_repo {
        lines(
            o,
            "Type:\tGitRepo (a volume that is pulled from git when the pod is created)",
            &[("Repository", g.repository.clone()), ("Revision", g.revision.clone().unwrap_or_default())],
        );
    } else if let Some(s) = &v.secret {
        lines(
            o,
            "Type:\tSecret (a volume populated by a Secret)",
            &[("SecretName", s.secret_name.clone().unwrap_or_default()), ("Optional", go_bool(s.optional).to_string())],
        );
    } else if let Some(c) = &v.config_map {
        lines(
            o,
            "Type:\tConfigMap (a volume populated by a ConfigMap)",
            &[("Name", c.name.clone()), ("Optional", go_bool(c.optional).to_string())],
        );
    } else {
        network_sources(o, v);
    }
}

/// NFS, iSCSI, Glusterfs, PVCs, ephemeral, RBD, Quobyte and the downward API.
fn network_sources(o: &mut Out, v: &Volume) {
    if let Some(n) = &v.nfs {
        lines(
            o,
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)",
            &[("Server", n.server.clone()), ("Path", n.path.clone()), ("ReadOnly", go_bool(n.read_only).to_string())],
        );
    } else if let Some(i) = &v.iscsi {
        // kubectl's format string has no colon after ISCSIInterface.
        let text = format!(
            "Type:\tISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)\n    TargetPortal:\t{}\n    IQN:\t{}\n    Lun:\t{}\n    ISCSIInterface\t{}\n    FSType:\t{}\n    ReadOnly:\t{}\n    Portals:\t{}\n    DiscoveryCHAPAuth:\t{}\n    SessionCHAPAuth:\t{}\n    SecretRef:\t{}\n    InitiatorName:\t{}\n",
            i.target_portal,
            i.iqn,
            i.lun,
            i.iscsi_interface.clone().unwrap_or_default(),
            i.fs_type.clone().unwrap_or_default(),
            go_bool(i.read_only),
            go_list(i.portals.as_ref()),
            go_bool(i.chap_auth_discovery),
            go_bool(i.chap_auth_session),
            go_ref(i.secret_ref.as_ref()),
            i.initiator_name.clone().unwrap_or_else(|| "<none>".into()),
        );
        o.w(2, &text);
    } else if let Some(g) = &v.glusterfs {
        lines(
            o,
            "Type:\tGlusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
            &[
                ("EndpointsName", g.endpoints.clone()),
                ("Path", g.path.clone()),
                ("ReadOnly", go_bool(g.read_only).to_string()),
            ],
        );
    } else if let Some(c) = &v.persistent_volume_claim {
        lines(
            o,
            "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            &[("ClaimName", c.claim_name.clone()), ("ReadOnly", go_bool(c.read_only).to_string())],
        );
    } else if let Some(e) = &v.ephemeral {
        o.w(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
        if let Some(t) = &e.volume_claim_template {
            claim_template(o, t.metadata.as_ref(), &t.spec);
        }
    } else if let Some(r) = &v.rbd {
        lines(
            o,
            "Type:\tRBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
            &[
                ("CephMonitors", go_list(Some(&r.monitors))),
                ("RBDImage", r.image.clone()),
                ("FSType", r.fs_type.clone().unwrap_or_default()),
                ("RBDPool", r.pool.clone().unwrap_or_default()),
                ("RadosUser", r.user.clone().unwrap_or_default()),
                ("Keyring", r.keyring.clone().unwrap_or_default()),
                ("SecretRef", go_ref(r.secret_ref.as_ref())),
                ("ReadOnly", go_bool(r.read_only).to_string()),
            ],
        );
    } else if let Some(q) = &v.quobyte {
        lines(
            o,
            "Type:\tQuobyte (a Quobyte mount on the host that shares a pod's lifetime)",
            &[
                ("Registry", q.registry.clone()),
                ("Volume", q.volume.clone()),
                ("ReadOnly", go_bool(q.read_only).to_string()),
            ],
        );
    } else if let Some(d) = &v.downward_api {
        o.w(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n");
        for item in d.items.iter().flatten() {
            if let Some(f) = &item.field_ref {
                o.w(3, &format!("{} -> {}\n", f.field_path, item.path));
            }
            if let Some(r) = &item.resource_field_ref {
                o.w(3, &format!("{} -> {}\n", r.resource, item.path));
            }
        }
    } else {
        cloud_sources(o, v);
    }
}

/// The cloud and vendor disk sources.
fn cloud_sources(o: &mut Out, v: &Volume) {
    if let Some(a) = &v.azure_disk {
        // kubectl dereferences these; the API server defaults them.
        let text = format!(
            "Type:\tAzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)\n    DiskName:\t{}\n    DiskURI:\t{}\n    Kind: \t{}\n    FSType:\t{}\n    CachingMode:\t{}\n    ReadOnly:\t{}\n",
            a.disk_name,
            a.disk_uri,
            a.kind.clone().unwrap_or_default(),
            a.fs_type.clone().unwrap_or_default(),
            a.caching_mode.clone().unwrap_or_default(),
            go_bool(a.read_only),
        );
        o.w(2, &text);
    } else if let Some(s) = &v.vsphere_volume {
        lines(
            o,
            "Type:\tvSphereVolume (a Persistent Disk resource in vSphere)",
            &[
                ("VolumePath", s.volume_path.clone()),
                ("FSType", s.fs_type.clone().unwrap_or_default()),
                ("StoragePolicyName", s.storage_policy_name.clone().unwrap_or_default()),
            ],
        );
    } else if let Some(c) = &v.cinder {
        lines(
            o,
            "Type:\tCinder (a Persistent Disk resource in OpenStack)",
            &[
                ("VolumeID", c.volume_id.clone()),
                ("FSType", c.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", go_bool(c.read_only).to_string()),
                ("SecretRef", go_ref(c.secret_ref.as_ref())),
            ],
        );
    } else if let Some(p) = &v.photon_persistent_disk {
        lines(
            o,
            "Type:\tPhotonPersistentDisk (a Persistent Disk resource in photon platform)",
            &[("PdID", p.pd_id.clone()), ("FSType", p.fs_type.clone().unwrap_or_default())],
        );
    } else if let Some(p) = &v.portworx_volume {
        lines(o, "Type:\tPortworxVolume (a Portworx Volume resource)", &[("VolumeID", p.volume_id.clone())]);
    } else if let Some(s) = &v.scale_io {
        lines(
            o,
            "Type:\tScaleIO (a persistent volume backed by a block device in ScaleIO)",
            &[
                ("Gateway", s.gateway.clone()),
                ("System", s.system.clone()),
                ("Protection Domain", s.protection_domain.clone().unwrap_or_default()),
                ("Storage Pool", s.storage_pool.clone().unwrap_or_default()),
                ("Storage Mode", s.storage_mode.clone().unwrap_or_default()),
                ("VolumeName", s.volume_name.clone().unwrap_or_default()),
                ("FSType", s.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", go_bool(s.read_only).to_string()),
            ],
        );
    } else {
        shared_fs_sources(o, v);
    }
}

/// CephFS, StorageOS, FC, Azure File, Flex, Flocker, projected, CSI and image volumes.
fn shared_fs_sources(o: &mut Out, v: &Volume) {
    if let Some(c) = &v.cephfs {
        lines(
            o,
            "Type:\tCephFS (a CephFS mount on the host that shares a pod's lifetime)",
            &[
                ("Monitors", go_list(Some(&c.monitors))),
                ("Path", c.path.clone().unwrap_or_default()),
                ("User", c.user.clone().unwrap_or_default()),
                ("SecretFile", c.secret_file.clone().unwrap_or_default()),
                ("SecretRef", go_ref(c.secret_ref.as_ref())),
                ("ReadOnly", go_bool(c.read_only).to_string()),
            ],
        );
    } else if let Some(s) = &v.storageos {
        lines(
            o,
            "Type:\tStorageOS (a StorageOS Persistent Disk resource)",
            &[
                ("VolumeName", s.volume_name.clone().unwrap_or_default()),
                ("VolumeNamespace", s.volume_namespace.clone().unwrap_or_default()),
                ("FSType", s.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", go_bool(s.read_only).to_string()),
            ],
        );
    } else if let Some(f) = &v.fc {
        lines(
            o,
            "Type:\tFC (a Fibre Channel disk)",
            &[
                ("TargetWWNs", f.target_wwns.clone().unwrap_or_default().join(", ")),
                ("LUN", f.lun.map_or_else(|| "<none>".into(), |l| l.to_string())),
                ("FSType", f.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", go_bool(f.read_only).to_string()),
            ],
        );
    } else if let Some(a) = &v.azure_file {
        lines(
            o,
            "Type:\tAzureFile (an Azure File Service mount on the host and bind mount to the pod)",
            &[
                ("SecretName", a.secret_name.clone()),
                ("ShareName", a.share_name.clone()),
                ("ReadOnly", go_bool(a.read_only).to_string()),
            ],
        );
    } else if let Some(f) = &v.flex_volume {
        lines(
            o,
            "Type:\tFlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
            &[
                ("Driver", f.driver.clone()),
                ("FSType", f.fs_type.clone().unwrap_or_default()),
                ("SecretRef", go_ref(f.secret_ref.as_ref())),
                ("ReadOnly", go_bool(f.read_only).to_string()),
                ("Options", go_map(f.options.as_ref())),
            ],
        );
    } else if let Some(f) = &v.flocker {
        lines(
            o,
            "Type:\tFlocker (a Flocker volume mounted by the Flocker agent)",
            &[
                ("DatasetName", f.dataset_name.clone().unwrap_or_default()),
                ("DatasetUUID", f.dataset_uuid.clone().unwrap_or_default()),
            ],
        );
    } else if let Some(p) = &v.projected {
        projected(o, p);
    } else if let Some(c) = &v.csi {
        lines(
            o,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)",
            &[
                ("Driver", c.driver.clone()),
                ("FSType", c.fs_type.clone().unwrap_or_default()),
                ("ReadOnly", go_bool(c.read_only).to_string()),
            ],
        );
        csi_attributes(o, c.volume_attributes.as_ref());
    } else if let Some(i) = &v.image {
        lines(
            o,
            "Type:\tImage (a container image or OCI artifact)",
            &[
                ("Reference", i.reference.clone().unwrap_or_default()),
                ("PullPolicy", i.pull_policy.clone().unwrap_or_default()),
            ],
        );
    } else {
        o.w(1, "<unknown>\n");
    }
}

fn projected(o: &mut Out, p: &k8s_openapi::api::core::v1::ProjectedVolumeSource) {
    o.w(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n");
    for s in p.sources.iter().flatten() {
        if let Some(sec) = &s.secret {
            o.w(2, &format!("SecretName:\t{}\n    Optional:\t{}\n", sec.name, go_bool(sec.optional)));
        } else if s.downward_api.is_some() {
            o.w(2, "DownwardAPI:\ttrue\n");
        } else if let Some(cm) = &s.config_map {
            o.w(2, &format!("ConfigMapName:\t{}\n    Optional:\t{}\n", cm.name, go_bool(cm.optional)));
        } else if let Some(t) = &s.service_account_token {
            o.w(2, &format!("TokenExpirationSeconds:\t{}\n", t.expiration_seconds.unwrap_or(0)));
        }
    }
}

/// `VolumeAttributes:` with its `key=value` lines (cut at 140 characters).
fn csi_attributes(o: &mut Out, attrs: Option<&std::collections::BTreeMap<String, String>>) {
    o.w(2, "VolumeAttributes:\t");
    let Some(attrs) = attrs.filter(|a| !a.is_empty()) else {
        o.0.push_str("<none>\n");
        return;
    };
    for (i, (k, v)) in attrs.iter().enumerate() {
        if i != 0 {
            o.w(2, "");
            o.w(2, "\t");
        }
        o.w(2, &format!("{}\n", super::text::shorten(&format!("{k}={v}"), 140)));
    }
}

/// An ephemeral volume's claim template, as kubectl prints a partial PVC two levels
/// deep (describe.go `printPersistentVolumeClaim` with `isFullPVC` false). A template
/// has no status, so capacity and access modes are empty.
fn claim_template(
    o: &mut Out,
    meta: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
    spec: &PersistentVolumeClaimSpec,
) {
    let annotations = meta.and_then(|m| m.annotations.as_ref());
    let class = annotations
        .and_then(|a| a.get("volume.beta.kubernetes.io/storage-class"))
        .cloned()
        .or_else(|| spec.storage_class_name.clone())
        .unwrap_or_default();
    let mut nested = Out::nested(2);
    nested.w(0, &format!("StorageClass:\t{class}\n"));
    nested.w(0, &format!("Volume:\t{}\n", spec.volume_name.clone().unwrap_or_default()));
    super::meta::labels_multiline(&mut nested, "Labels", meta.and_then(|m| m.labels.as_ref()));
    super::meta::annotations_multiline(&mut nested, annotations);
    nested.w(0, "Capacity:\t\n");
    nested.w(0, "Access Modes:\t\n");
    if let Some(mode) = &spec.volume_mode {
        nested.w(0, &format!("VolumeMode:\t{mode}\n"));
    }
    if let Some(ds) = &spec.data_source {
        nested.w(0, "DataSource:\n");
        if let Some(g) = &ds.api_group {
            nested.w(1, &format!("APIGroup:\t{g}\n"));
        }
        nested.w(1, &format!("Kind:\t{}\n", ds.kind));
        nested.w(1, &format!("Name:\t{}\n", ds.name));
    }
    o.0.push_str(&nested.0);
}
