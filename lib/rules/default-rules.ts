/**
 * Rule sets shipped enabled for new accounts: the Warning events people
 * page on, and the audit events security teams watch. Plain data; compile
 * them with `defaultDefinitions` (the audit rules use its lists and macros).
 */
import type { Definitions } from './definitions.js';
import type { RuleSpec } from './rule.js';

/** Lists and macros the default audit rules use; tenants and operators may reuse them. */
export const defaultDefinitions: Definitions = {
  lists: {
    'write-verbs': ['create', 'update', 'patch', 'delete', 'deletecollection'],
    'read-verbs': ['get', 'list', 'watch'],
    'rbac-resources': ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
    // Control-plane identities that rewrite RBAC objects as part of normal operation (aggregated ClusterRoles, bootstrap).
    'rbac-controllers': ['system:kube-controller-manager', 'system:apiserver'],
  },
  macros: {
    // RequestReceived is followed by a later stage of the same request; alerting on it too only doubles the work.
    'past-request-received': 'stage != "RequestReceived"',
    'human-user': 'not user.username startswith "system:"',
    succeeded: 'responseStatus.code < 400',
  },
  aliases: {
    user: 'user.username',
  },
};

const cluster = { level: 'cluster' } as const;
const global = { type: 'global' } as const;

/** A shipped rule: the operator's, cluster-wide, enabled, with a summary annotation. */
const shipped =
  (signal: RuleSpec['signal']) =>
  (name: string, severity: RuleSpec['severity'], condition: string, summary: string): RuleSpec => ({
    name,
    signal,
    kind: 'alert',
    enabled: true,
    severity,
    condition,
    scope: cluster,
    owner: global,
    annotations: { summary },
  });

const event = shipped('event');

/** `Pod shop/web-1`, or just `Pod` when the sender named no object (kube-eventer's default body), never `Pod /`. */
function involved(kind: string): string {
  return `${kind}{{#if involvedObject.name}} {{#if involvedObject.namespace}}{{involvedObject.namespace}}/{{/if}}{{involvedObject.name}}{{/if}}`;
}
const pod = involved('Pod');
const object = involved('{{involvedObject.kind}}');
const audit = shipped('audit');

/** Kubernetes Warning events worth a page. */
export const defaultEventRules: readonly RuleSpec[] = [
  event(
    'ImagePullFailed',
    'warning',
    'type = "Warning" and involvedObject.kind = "Pod" and reason in ("Failed", "BackOff", "InspectFailed", "ErrImageNeverPull") and message regex ".*(?:[Pp]ull(?:ing)? image|ErrImagePull|ImagePullBackOff|ErrImageNeverPull|InspectFailed|InvalidImageName).*"',
    `${pod} cannot pull its image`,
  ),
  event(
    'CrashLoopBackOff',
    'warning',
    'type = "Warning" and involvedObject.kind = "Pod" and reason = "BackOff" and message startswith "Back-off restarting failed container"',
    `A container of ${involved('pod')} keeps crashing`,
  ),
  event(
    'OOMKilled',
    'warning',
    'type = "Warning" and reason in ("OOMKilling", "SystemOOM", "OOMKilled")',
    `Out of memory on ${object}`,
  ),
  event(
    'FailedScheduling',
    'warning',
    'type = "Warning" and reason = "FailedScheduling"',
    `${pod} cannot be scheduled`,
  ),
  event(
    'FailedMount',
    'warning',
    'type = "Warning" and reason in ("FailedMount", "FailedAttachVolume", "FailedMapVolume")',
    `A volume of ${involved('pod')} cannot be attached or mounted`,
  ),
  event(
    'ProbeFailing',
    'warning',
    // One failed probe is routine; repeats (the count rises on the same event) are not.
    'type = "Warning" and involvedObject.kind = "Pod" and reason = "Unhealthy" and count >= 3',
    `Probes of ${involved('pod')} keep failing`,
  ),
  event(
    'Evicted',
    'warning',
    'type = "Warning" and reason in ("Evicted", "EvictionThresholdMet")',
    `${object}: eviction`,
  ),
  event(
    // The node controller reports NotReady as a Normal event, so the type is not checked.
    'NodeNotReady',
    'critical',
    'involvedObject.kind = "Node" and reason = "NodeNotReady"',
    `${involved('Node')} is not ready`,
  ),
];

/** Audit events security teams watch. */
export const defaultAuditRules: readonly RuleSpec[] = [
  audit(
    // kubectl before 1.30 execs with POST (create); later versions upgrade a GET to WebSocket.
    'PodExecOrAttach',
    'warning',
    'objectRef.resource = "pods" and objectRef.subresource in ("exec", "attach") and verb in ("create", "get") and ${past-request-received}',
    '{{user.username}} opened {{objectRef.subresource}} into pod {{objectRef.namespace}}/{{objectRef.name}}',
  ),
  audit(
    'SecretReadByUser',
    'warning',
    'objectRef.resource = "secrets" and verb in ${read-verbs} and ${human-user} and ${succeeded} and ${past-request-received}',
    '{{user.username}} read secret {{objectRef.namespace}}/{{objectRef.name}}',
  ),
  audit(
    'RBACChanged',
    'warning',
    'objectRef.apiGroup = "rbac.authorization.k8s.io" and objectRef.resource in ${rbac-resources} and verb in ${write-verbs} and ${user} not in ${rbac-controllers} and ${succeeded} and ${past-request-received}',
    '{{user.username}} {{verb}} {{objectRef.resource}} {{objectRef.name}}',
  ),
  audit(
    'AnonymousRequest',
    'warning',
    // Probes of the health and version endpoints are anonymous by design.
    'user.username = "system:anonymous" and requestURI not regex "/(?:healthz|livez|readyz|version)(?:[/?].*)?" and ${past-request-received}',
    'Anonymous {{verb}} {{requestURI}} from {{sourceIPs.[0]}}',
  ),
  audit(
    'ForbiddenRequest',
    'warning',
    'responseStatus.code = 403 and ${past-request-received}',
    '{{user.username}} was forbidden to {{verb}} {{objectRef.resource}} {{objectRef.name}}',
  ),
  audit(
    'NamespaceDeleted',
    'critical',
    'objectRef.resource = "namespaces" and verb = "delete" and ${succeeded} and ${past-request-received}',
    '{{user.username}} deleted namespace {{objectRef.name}}',
  ),
];
