"""verifyImages rules: Kyverno's attestor logic, counts, paths and messages, without any I/O.

A line-by-line reading of kyverno `pkg/engine/internal/imageverifier.go` (Verify,
verifyImage, verifyAttestors, verifyAttestorSet, verifyAttestations, handleMutateDigest)
followed by `pkg/engine/handlers/validation/validate_image.go` (verifyDigest, required).
Kyverno reports the two phases as two responses; argogate gives a rule one result, so the
mutate phase decides first and the validate phase runs on the patched resource.
Everything the registry answers comes through `api.ImageVerifier` (the adapter in
`argogate.registry`); this module only decides.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from argogate.engine import wildcards
from argogate.engine.api import CosignOptions, ImageCheck, ImageVerifier, ResourceLookup
from argogate.engine.context import Context
from argogate.engine.images import ImageInfo, ImageParseError, parse_image
from argogate.engine.outcome import Outcome
from argogate.model.result import RuleStatus

_POD_LISTS = ("initContainers", "containers", "ephemeralContainers")
_PEM_KEY = "-----BEGIN PUBLIC KEY-----"
OFFLINE = "cannot be verified offline: argogate has no access to Fulcio/Rekor or to cluster secrets and KMS"


@dataclass(frozen=True)
class ImageSlot:
    path: tuple[str | int, ...]
    info: ImageInfo


@dataclass
class _Resp:
    status: RuleStatus
    message: str
    unreachable: bool = False


@dataclass
class _EntryError:
    message: str
    kind: str = "fail"  # fail | network | offline


@dataclass
class _State:
    verifier: ImageVerifier | None
    ctx: Context
    lookup: ResourceLookup | None
    verified: dict[str, bool] = field(default_factory=dict)  # kyverno's ImageVerificationMetadata


def image_slots(resource: dict[str, Any]) -> list[ImageSlot]:
    """Every container image with its path (kyverno `ImageInfo.Pointer`)."""
    spec = resource.get("spec")
    if not isinstance(spec, dict):
        return []
    kind = resource.get("kind")
    pod: Any
    if kind == "Pod":
        prefix: tuple[str | int, ...] = ("spec",)
        pod = spec
    elif kind == "CronJob":
        prefix = ("spec", "jobTemplate", "spec", "template", "spec")
        pod = (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    else:
        prefix = ("spec", "template", "spec")
        pod = (spec.get("template") or {}).get("spec") if isinstance(spec.get("template"), dict) else None
    if not isinstance(pod, dict):
        return []
    out = []
    for key in _POD_LISTS:
        items = pod.get(key)
        for i, c in enumerate(items if isinstance(items, list) else []):
            if isinstance(c, dict) and isinstance(c.get("image"), str):
                try:
                    out.append(ImageSlot((*prefix, key, i, "image"), parse_image(c["image"])))
                except ImageParseError:
                    continue
    return out


def convert(entry: Mapping[str, Any]) -> dict[str, Any]:
    """ImageVerification.Convert(): the deprecated `image`/`key`/`roots`/`subject` fields."""
    e = dict(entry)
    if not e.get("imageReferences") and e.get("image"):
        e["imageReferences"] = [e["image"]]
    if not e.get("attestors") and (e.get("key") or e.get("subject") or e.get("issuer") or e.get("roots")):
        if e.get("key"):
            attestor: dict[str, Any] = {"keys": {"publicKeys": e["key"]}}
        else:
            attestor = {"keyless": {k: e[k] for k in ("roots", "subject", "issuer") if e.get(k)}}
        e["attestors"] = [{"entries": [attestor]}]
    return e


def in_scope(entry: Mapping[str, Any], image: str) -> bool:
    refs = [str(r) for r in entry.get("imageReferences") or []]
    skips = [str(r) for r in entry.get("skipImageReferences") or []]
    return any(wildcards.match(r, image) for r in refs) and not any(wildcards.match(s, image) for s in skips)


def matching_images(entries: list[dict[str, Any]], resource: dict[str, Any]) -> list[ImageSlot]:
    """kyverno `ExtractMatchingImages`: images some entry's imageReferences select."""
    return [s for s in image_slots(resource) if any(in_scope(e, s.info.reference) for e in entries)]


def needs_registry(entries: list[dict[str, Any]], slots: list[ImageSlot]) -> bool:
    for e in entries:
        scoped = [s for s in slots if in_scope(e, s.info.reference)]
        if scoped and (e.get("attestors") or e.get("attestations")):
            return True
        if e.get("mutateDigest", True) and any(not s.info.digest for s in scoped):
            return True
    return False


def required_count(attestor_set: Mapping[str, Any]) -> int:
    count = attestor_set.get("count")
    return int(count) if isinstance(count, int) and count > 0 else len(attestor_set.get("entries") or [])


def expand_static_keys(attestor_set: Mapping[str, Any]) -> dict[str, Any]:
    """ExpandStaticKeys: several PEM keys in one entry become one entry per key."""
    entries: list[Any] = []
    for e in attestor_set.get("entries") or []:
        keys = (e.get("keys") or {}).get("publicKeys") if isinstance(e, dict) else None
        if isinstance(keys, str):
            parts = keys.split("-----END PUBLIC KEY-----")[:-1]
            if len(parts) > 1:
                entries.extend({"keys": {"publicKeys": p + "-----END PUBLIC KEY-----"}} for p in parts)
                continue
        entries.append(e)
    return {"count": attestor_set.get("count"), "entries": entries}


def _auths(entry: Mapping[str, Any], lookup: ResourceLookup | None) -> tuple[tuple[str, str], ...]:
    """imageRegistryCredentials.secrets answered from dockerconfigjson Secrets among the objects."""
    names = (entry.get("imageRegistryCredentials") or {}).get("secrets") or []
    out: list[tuple[str, str]] = []
    if lookup is None:
        return ()
    for secret in lookup.list("v1", "Secret", ""):
        if (secret.get("metadata") or {}).get("name") not in names:
            continue
        raw = (secret.get("data") or {}).get(".dockerconfigjson")
        try:
            cfg = (
                json.loads(base64.b64decode(raw))
                if raw
                else (secret.get("stringData") or {}).get(".dockerconfigjson")
            )
            cfg = json.loads(cfg) if isinstance(cfg, str) else cfg
        except (ValueError, TypeError):
            continue
        for host, v in ((cfg or {}).get("auths") or {}).items():
            auth = (
                v.get("auth")
                or base64.b64encode(f"{v.get('username', '')}:{v.get('password', '')}".encode()).decode()
            )
            out.append((str(host), str(auth)))
    return tuple(out)


def _options(
    entry: Mapping[str, Any],
    attestor: Mapping[str, Any],
    image: str,
    lookup: ResourceLookup | None,
    attestation_type: str = "",
) -> tuple[CosignOptions | None, str, str]:
    """buildCosignVerifier: the options, the sub path (`.keys`, `.keyless`, ...), or why not offline."""
    creds = entry.get("imageRegistryCredentials") or {}
    annotations = attestor.get("annotations") or entry.get("annotations") or {}
    keys = attestor.get("keys")
    sub = (
        ".keys"
        if keys is not None
        else ".certificates"
        if attestor.get("certificates") is not None
        else ".keyless"
        if attestor.get("keyless") is not None
        else ""
    )
    if keys is None:
        return None, sub, f"{sub[1:] or 'keyless'} verification {OFFLINE}"
    pem = str(keys.get("publicKeys") or "")
    if not pem.strip().startswith(_PEM_KEY):
        source = pem or ("secret" if keys.get("secret") else "kms" if keys.get("kms") else "empty key")
        return None, sub, f"key {source} {OFFLINE}"
    opts = CosignOptions(
        image=image,
        key=pem,
        signature_algorithm=str(keys.get("signatureAlgorithm") or ""),
        repository=str(attestor.get("repository") or entry.get("repository") or ""),
        annotations=tuple(sorted((str(k), str(v)) for k, v in annotations.items())),
        attestation_type=attestation_type,
        insecure=bool(creds.get("allowInsecureRegistry")),
        auths=_auths(entry, lookup),
    )
    return opts, sub, ""


def _combine(errors: list[_EntryError]) -> _EntryError:
    kinds = {e.kind for e in errors}
    kind = "network" if "network" in kinds else "offline" if "offline" in kinds else "fail"
    return _EntryError("; ".join(e.message for e in errors), kind)  # multierr.Combine


class _Verifier:
    def __init__(self, state: _State, entry: dict[str, Any]) -> None:
        self.s = state
        self.entry = entry

    # verifyAttestorSet
    def attestor_set(
        self, attestor_set: Mapping[str, Any], info: ImageInfo, path: str
    ) -> tuple[ImageCheck | None, _EntryError | None]:
        attestor_set = expand_static_keys(attestor_set)
        need = required_count(attestor_set)
        verified = 0
        errors: list[_EntryError] = []
        for i, a in enumerate(attestor_set["entries"]):
            apath = f"{path}.entries[{i}]"
            a = a if isinstance(a, dict) else {}
            if a.get("attestor") is not None:
                resp, err = self.attestor_set(a["attestor"], info, apath + ".attestor")
            else:
                resp, err = self.signature(a, info, apath)
            if err is None:
                verified += 1
                if verified >= need:
                    return resp, None
            else:
                errors.append(err)
        return None, _combine(errors) if errors else _EntryError("invalid response: nil")

    def signature(
        self, attestor: Mapping[str, Any], info: ImageInfo, path: str
    ) -> tuple[ImageCheck | None, _EntryError | None]:
        opts, sub, offline = _options(self.entry, attestor, info.reference, self.s.lookup)
        if opts is None or self.s.verifier is None:
            return None, _EntryError(f"{path}{sub}: {offline or 'no registry access configured'}", "offline")
        check = self.s.verifier.verify_signature(opts)
        if not check.ok:
            return None, _EntryError(
                f"{path}{sub}: {check.error}", "network" if check.unreachable else "fail"
            )
        return check, None

    def registry_error(self, image: str, err: _EntryError) -> _Resp:
        """handleRegistryErrors: network errors are rule errors, the rest are failures."""
        msg = f"failed to verify image {image}: {err.message}"
        if err.kind == "fail":
            return _Resp(RuleStatus.FAIL, msg)
        return _Resp(RuleStatus.ERROR, msg, unreachable=err.kind == "network")

    # verifyImage
    def image(self, info: ImageInfo) -> tuple[_Resp | None, str]:
        e = self.entry
        if not e.get("attestors") and not e.get("attestations"):
            return None, ""
        image = info.reference
        digest = info.digest
        if e.get("attestors"):
            resp: ImageCheck | None = None
            for i, aset in enumerate(e["attestors"]):
                resp, err = self.attestor_set(
                    aset if isinstance(aset, dict) else {}, info, f".attestors[{i}]"
                )
                if err is not None:
                    return self.registry_error(image, err), ""
            ok = _Resp(RuleStatus.PASS, f"verified image signatures for {image}")
            got = resp.digest if resp is not None else ""
            if not e.get("attestations"):
                return ok, got
            digest = digest or got
        return self.attestations(info, digest)

    # verifyAttestations
    def attestations(self, info: ImageInfo, digest: str) -> tuple[_Resp | None, str]:
        image = info.reference
        for i, att in enumerate(self.entry.get("attestations") or []):
            path = f".attestations[{i}]"
            kind = str(att.get("type") or att.get("predicateType") or "")
            if not kind:
                return _Resp(RuleStatus.FAIL, path + ": missing type"), ""
            attestor_sets = att.get("attestors") or [{"entries": [{}]}]
            for j, aset in enumerate(attestor_sets):
                need = required_count(aset)
                verified = 0
                for a in aset.get("entries") or []:
                    # kyverno indexes entries with the attestation's index here
                    entry_path = f"{path}.attestors[{j}].entries[{i}]"
                    opts, sub, offline = _options(
                        self.entry, a if isinstance(a, dict) else {}, image, self.s.lookup, kind
                    )
                    if opts is None or self.s.verifier is None:
                        return self.registry_error(
                            image,
                            _EntryError(
                                f"{entry_path}{sub}: {offline or 'no registry access configured'}", "offline"
                            ),
                        ), ""
                    check = self.s.verifier.fetch_attestations(opts)
                    if not check.ok:
                        return self.registry_error(
                            image, _EntryError(check.error, "network" if check.unreachable else "fail")
                        ), ""
                    if not digest and check.digest:
                        digest = check.digest
                        image = _with_digest(info, digest).reference
                    err = self.check_statements(list(check.statements), att, kind, _with_digest(info, digest))
                    if err:
                        return _Resp(RuleStatus.FAIL, f"{entry_path}{sub}: {err}"), ""
                    verified += 1
                    if verified >= need:
                        break
                if verified < need:
                    msg = f"image attestations verification failed, verifiedCount: {verified}, requiredCount: {need}"
                    return _Resp(RuleStatus.FAIL, msg), ""
        return _Resp(RuleStatus.PASS, f"verified image attestations for {image}"), digest

    # verifyAttestation + checkAttestations + EvaluateConditions
    def check_statements(
        self, statements: list[dict[str, Any]], att: Mapping[str, Any], kind: str, info: ImageInfo
    ) -> str:
        from argogate.engine.conditions import evaluate_conditions
        from argogate.engine.conditions.evaluate import ConditionError

        matching = [s for s in statements if s.get("type", s.get("predicateType")) == kind]
        if not matching:
            return f"attestions not found for predicate type {kind}"  # sic, kyverno's spelling
        conditions = att.get("conditions")
        for s in matching:
            if not conditions:
                continue
            predicate = s.get("predicate")
            if not isinstance(predicate, dict):
                return f"failed to check attestations: failed to extract predicate from statement: {s}"
            ctx = self.s.ctx
            ctx.checkpoint()
            try:
                ctx.set(("image",), info.to_dict())
                for k, v in predicate.items():  # enginecontext.AddJSONObject merges at the root
                    ctx.set((str(k),), v)
                res = evaluate_conditions(conditions, ctx)
            except (ConditionError, Exception) as exc:
                return f"failed to check attestations: {exc}"
            finally:
                ctx.restore()
            if not res.ok:
                return f"attestation checks failed for {info.reference} and predicate {kind}: {res.message}"
        return ""


def _with_digest(info: ImageInfo, digest: str) -> ImageInfo:
    return ImageInfo(info.registry, info.path, info.name, info.tag, digest) if digest else info


def _get(obj: Any, path: tuple[str | int, ...]) -> Any:
    for p in path:
        if isinstance(p, int):
            obj = obj[p] if isinstance(obj, list) and p < len(obj) else None
        else:
            obj = obj.get(p) if isinstance(obj, dict) else None
    return obj


def _set(obj: Any, path: tuple[str | int, ...], value: Any) -> None:
    for p in path[:-1]:
        obj = obj[p]
    obj[path[-1]] = value


def _substitute(entries: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    """kyverno `substituteVariables`: everything but the attestations' conditions."""
    from argogate.engine.variables.substitute import substitute_all

    out = []
    for entry in entries:
        # only the attestations lose their conditions: copy what is edited, not the whole entry
        stripped = dict(entry)
        if isinstance(entry.get("attestations"), list):
            stripped["attestations"] = [dict(a) if isinstance(a, dict) else a for a in entry["attestations"]]
        conds = [a.pop("conditions", None) for a in stripped.get("attestations") or [] if isinstance(a, dict)]
        sub = substitute_all(stripped, ctx)
        for a, c in zip(sub.get("attestations") or [], conds, strict=False):
            if c is not None:
                a["conditions"] = c
        out.append(sub)
    return out


def verify_images_rule(
    raw_entries: list[dict[str, Any]],
    resource: dict[str, Any],
    ctx: Context,
    verifier: ImageVerifier | None,
    *,
    lookup: ResourceLookup | None = None,
    old_resource: dict[str, Any] | None = None,
    failure_policy: str = "Fail",
) -> Outcome | None:
    entries = [convert(e) for e in raw_entries if isinstance(e, dict)]
    try:
        entries = _substitute(entries, ctx)
    except Exception as exc:
        return Outcome.error("failed to substitute variables", exc)
    slots = matching_images(entries, resource)
    if not slots:
        return None  # kyverno's image handlers report nothing when no image is in scope
    if verifier is None and needs_registry(entries, slots):
        return Outcome.error(
            f"image verification needs registry access for {', '.join(s.info.reference for s in slots)}",
            "run with --registry-access (or ARGOGATE_REGISTRY_ACCESS=1)",
        )
    state = _State(verifier, ctx, lookup)
    responses: list[_Resp] = []
    patched = resource  # copied before the first digest is written
    changed = False
    for entry in entries:
        v = _Verifier(state, entry)
        for slot in slots:
            info = slot.info
            if not in_scope(entry, info.reference):
                continue
            if old_resource is not None and _get(old_resource, slot.path) == _get(resource, slot.path):
                state.verified[info.reference] = True  # HasChanged: unchanged images are not re-verified
                continue
            resp, digest = v.image(info)
            # a failed image is not pinned: kyverno would still fetch its digest, but the resource is refused anyway
            if (
                entry.get("mutateDigest", True)
                and not info.digest
                and (resp is None or resp.status is RuleStatus.PASS)
            ):
                if not digest and verifier is not None:
                    check = verifier.fetch_digest(
                        info.reference,
                        insecure=bool(
                            (entry.get("imageRegistryCredentials") or {}).get("allowInsecureRegistry")
                        ),
                        auths=_auths(entry, lookup),
                    )
                    if not check.ok:
                        responses.append(
                            _Resp(
                                RuleStatus.ERROR, f"failed to update digest: {check.error}", check.unreachable
                            )
                        )
                    digest = check.digest if check.ok else ""
                if digest:
                    resp = resp or _Resp(RuleStatus.PASS, "mutated image digest")
                    if not changed:
                        patched = copy.deepcopy(resource)
                    _set(patched, slot.path, f"{info.reference}@{digest}")  # makeAddDigestPatch
                    changed = True
                    info = _with_digest(info, digest)
            if resp is not None:
                if entry.get("attestors") or entry.get("attestations"):
                    state.verified[info.reference] = resp.status is RuleStatus.PASS
                responses.append(resp)
    return _outcome(
        responses, _validate_phase(entries, patched, state), patched if changed else None, failure_policy
    )


def _validate_phase(entries: list[dict[str, Any]], patched: dict[str, Any], state: _State) -> list[str]:
    """validate_image.go: verifyDigest and required, on the resource as mutated."""
    errors: list[str] = []
    for entry in entries:
        for slot in image_slots(patched):
            image = slot.info.reference
            if not in_scope(entry, image):
                continue
            if entry.get("verifyDigest", True) and not slot.info.digest:
                msg = f"missing digest for {image}"
            elif entry.get("required", True) and state.verified.get(image) is False:
                msg = f"unverified image {image}"
            else:
                continue
            if msg not in errors:
                errors.append(msg)
    return errors


def _outcome(
    responses: list[_Resp], validate_errors: list[str], patched: dict[str, Any] | None, failure_policy: str
) -> Outcome:
    for r in responses:
        # failurePolicy decides what an unreachable registry means: Fail blocks (argogate blocks
        # only on `fail`), Ignore reports the error and lets the sync through (webhookutils.BlockRequest)
        if r.unreachable and failure_policy != "Ignore":
            r.status = RuleStatus.FAIL
    bad = [r for r in responses if r.status in (RuleStatus.FAIL, RuleStatus.ERROR)]
    if bad:
        status = RuleStatus.FAIL if any(r.status is RuleStatus.FAIL for r in bad) else RuleStatus.ERROR
        return Outcome(status, "; ".join(r.message for r in bad))
    if validate_errors:
        return Outcome.fail("; ".join(validate_errors))
    message = "; ".join(dict.fromkeys(r.message for r in responses)) or "image verified"
    return Outcome(RuleStatus.PASS, message, patched=patched)
