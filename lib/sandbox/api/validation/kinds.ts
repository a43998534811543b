/**
 * Per-kind validation for the built-in types the sandbox serves, following the real
 * validators (pkg/apis/core/validation, pkg/apis/apps/validation) for the rules a user
 * of Splitscope can hit; plus the Istio CRD schemas (pruning, structural checks, and the
 * few CEL rules mirrored).
 *
 * Known debt:
 * - only the commonly hit rules of Pod, Service, Deployment and EndpointSlice are checked;
 *   the real validators check far more (probes, volumes, resources, ...).
 * - Go prints some rejected values with %#v (structs, maps); those are rendered as JSON.
 */
import type { K8sObject } from '../../../wire';
import type { ResourceType } from '../resources';
import type { FieldError } from '../status';
import { applySchema, type Schema } from './schema';
import { DESTINATION_RULE_SPEC, ISTIO_STATUS, VIRTUAL_SERVICE_SPEC } from './istio-schema';
import {
  ENVOY_FILTER_SPEC,
  GATEWAY_SPEC,
  PROXY_CONFIG_SPEC,
  SERVICE_ENTRY_SPEC,
  SIDECAR_SPEC,
  WORKLOAD_ENTRY_SPEC,
  WORKLOAD_GROUP_SPEC,
} from './istio-schema-mesh';
import { isDns1123Label } from './names';
import { labelErrors } from './metadata';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function portErrors(port: unknown, field: string): FieldError[] {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
    return [{ type: 'FieldValueInvalid', field, value: port, detail: 'must be between 1 and 65535, inclusive' }];
  }
  return [];
}

function containerErrors(containers: unknown, field: string, required: boolean): FieldError[] {
  const errors: FieldError[] = [];
  const list = records(containers);
  if (required && list.length === 0) return [{ type: 'FieldValueRequired', field, detail: '' }];
  const seen = new Set<string>();
  list.forEach((c, i) => {
    const at = `${field}[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (!name) errors.push({ type: 'FieldValueRequired', field: `${at}.name`, detail: '' });
    else {
      for (const m of isDns1123Label(name)) errors.push({ type: 'FieldValueInvalid', field: `${at}.name`, value: name, detail: m });
      if (seen.has(name)) errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: name, detail: '' });
      seen.add(name);
    }
    if (typeof c.image !== 'string' || c.image.trim() === '') errors.push({ type: 'FieldValueRequired', field: `${at}.image`, detail: '' });
    records(c.ports).forEach((p, j) => errors.push(...portErrors(p.containerPort, `${at}.ports[${j}].containerPort`)));
  });
  return errors;
}

function podSpecErrors(spec: unknown, field: string): FieldError[] {
  if (!isRecord(spec)) return [{ type: 'FieldValueRequired', field: `${field}.containers`, detail: '' }];
  return [...containerErrors(spec.containers, `${field}.containers`, true), ...containerErrors(spec.initContainers, `${field}.initContainers`, false)];
}

function serviceErrors(object: K8sObject): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isRecord(object.spec) ? object.spec : {};
  const type = typeof spec.type === 'string' ? spec.type : 'ClusterIP';
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(type)) {
    errors.push({ type: 'FieldValueNotSupported', field: 'spec.type', value: type, detail: `supported values: ${types.map((t) => JSON.stringify(t)).join(', ')}` });
  }
  const ports = records(spec.ports);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && !headless && type !== 'ExternalName') errors.push({ type: 'FieldValueRequired', field: 'spec.ports', detail: '' });
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    const name = typeof p.name === 'string' ? p.name : '';
    if (ports.length > 1 && !name) errors.push({ type: 'FieldValueRequired', field: `${at}.name`, detail: '' });
    if (name) {
      for (const m of isDns1123Label(name)) errors.push({ type: 'FieldValueInvalid', field: `${at}.name`, value: name, detail: m });
      if (names.has(name)) errors.push({ type: 'FieldValueDuplicate', field: `${at}.name`, value: name, detail: '' });
      names.add(name);
    }
    errors.push(...portErrors(p.port, `${at}.port`));
    if (p.protocol !== undefined && !PROTOCOLS.includes(String(p.protocol))) {
      errors.push({ type: 'FieldValueNotSupported', field: `${at}.protocol`, value: p.protocol, detail: `supported values: ${PROTOCOLS.map((t) => JSON.stringify(t)).join(', ')}` });
    }
    if (typeof p.targetPort === 'number') errors.push(...portErrors(p.targetPort, `${at}.targetPort`));
  });
  errors.push(...labelErrors(spec.selector, 'spec.selector'));
  return errors;
}

function serviceUpdateErrors(object: K8sObject, old: K8sObject): FieldError[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const before = isRecord(old.spec) ? old.spec : {};
  if (before.clusterIP && spec.clusterIP && spec.clusterIP !== before.clusterIP) {
    return [{ type: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', value: spec.clusterIPs ?? [spec.clusterIP], detail: 'may not change once set' }];
  }
  return [];
}

function matchLabels(selector: unknown): Record<string, unknown> | undefined {
  return isRecord(selector) && isRecord(selector.matchLabels) ? selector.matchLabels : undefined;
}

/** Deployments and ReplicaSets share these rules; `what` names the kind in messages. */
function deploymentErrors(object: K8sObject, what: string): FieldError[] {
  const errors: FieldError[] = [];
  const spec = isRecord(object.spec) ? object.spec : {};
  const selector = matchLabels(spec.selector);
  const hasExpressions = isRecord(spec.selector) && Array.isArray(spec.selector.matchExpressions) && spec.selector.matchExpressions.length > 0;
  if (!isRecord(spec.selector)) errors.push({ type: 'FieldValueRequired', field: 'spec.selector', detail: '' });
  else if (!selector && !hasExpressions) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.selector', value: spec.selector, detail: `empty selector is invalid for ${what}` });
  }
  if (selector) errors.push(...labelErrors(selector, 'spec.selector.matchLabels'));
  if (spec.replicas !== undefined && (typeof spec.replicas !== 'number' || spec.replicas < 0)) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.replicas', value: spec.replicas, detail: 'must be greater than or equal to 0' });
  }
  const template = isRecord(spec.template) ? spec.template : {};
  const templateMeta = isRecord(template.metadata) ? template.metadata : {};
  const labels = isRecord(templateMeta.labels) ? templateMeta.labels : {};
  if (selector && Object.entries(selector).some(([k, v]) => labels[k] !== v)) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.template.metadata.labels', value: labels, detail: '`selector` does not match template `labels`' });
  }
  errors.push(...podSpecErrors(template.spec, 'spec.template.spec'));
  return errors;
}

function deploymentUpdateErrors(object: K8sObject, old: K8sObject): FieldError[] {
  const spec = isRecord(object.spec) ? object.spec : {};
  const before = isRecord(old.spec) ? old.spec : {};
  if (JSON.stringify(spec.selector) !== JSON.stringify(before.selector)) {
    return [{ type: 'FieldValueInvalid', field: 'spec.selector', value: spec.selector, detail: 'field is immutable' }];
  }
  return [];
}

const MUTABLE_POD_FIELDS = ['activeDeadlineSeconds', 'tolerations', 'terminationGracePeriodSeconds'];

function podUpdateErrors(object: K8sObject, old: K8sObject): FieldError[] {
  const strip = (spec: unknown) => {
    if (!isRecord(spec)) return spec;
    const copy: Record<string, unknown> = { ...spec };
    for (const f of MUTABLE_POD_FIELDS) delete copy[f];
    for (const list of ['containers', 'initContainers']) {
      if (Array.isArray(copy[list])) copy[list] = records(copy[list]).map(({ image: _image, ...rest }) => rest);
    }
    return copy;
  };
  if (JSON.stringify(strip(object.spec)) !== JSON.stringify(strip(old.spec))) {
    return [
      {
        type: 'FieldValueForbidden',
        field: 'spec',
        detail:
          'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      },
    ];
  }
  return [];
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];

function endpointSliceErrors(object: K8sObject): FieldError[] {
  const addressType = object.addressType;
  if (addressType === undefined || addressType === '') return [{ type: 'FieldValueRequired', field: 'addressType', detail: '' }];
  if (typeof addressType !== 'string' || !ADDRESS_TYPES.includes(addressType)) {
    return [{ type: 'FieldValueNotSupported', field: 'addressType', value: addressType, detail: `supported values: ${ADDRESS_TYPES.map((t) => JSON.stringify(t)).join(', ')}` }];
  }
  return [];
}

/** The `.spec` schema of each Istio CRD, and whether the CRD lists `spec` as required. */
const ISTIO_SPECS: Record<string, { schema: Schema; required: boolean }> = {
  VirtualService: { schema: VIRTUAL_SERVICE_SPEC, required: false },
  DestinationRule: { schema: DESTINATION_RULE_SPEC, required: false },
  Gateway: { schema: GATEWAY_SPEC, required: false },
  ServiceEntry: { schema: SERVICE_ENTRY_SPEC, required: true },
  Sidecar: { schema: SIDECAR_SPEC, required: false },
  WorkloadEntry: { schema: WORKLOAD_ENTRY_SPEC, required: true },
  WorkloadGroup: { schema: WORKLOAD_GROUP_SPEC, required: true },
  ProxyConfig: { schema: PROXY_CONFIG_SPEC, required: false },
  EnvoyFilter: { schema: ENVOY_FILTER_SPEC, required: false },
};

export interface KindValidation {
  /** The object after CRD pruning (built-in objects are returned unchanged). */
  object: K8sObject;
  errors: FieldError[];
  /** Unknown fields found (and, for CRDs, pruned), as paths like `spec.foo`. */
  unknownFields: string[];
  /**
   * Whether the type's schema has CEL rules (every Istio CRD has some). The caller adds the
   * server's "some validation rules were not checked" cause when anything blocking failed,
   * and {@link KindValidation.ruleErrors} otherwise.
   */
  hasRules: boolean;
  /** What the CEL rules refuse (only reported when nothing blocking failed). */
  ruleErrors: FieldError[];
}

/** A custom resource through its CRD's structural schema: pruned, and checked. */
function validateCustom(type: ResourceType, object: K8sObject, unknownFields: string[]): KindValidation {
  const specSchema = ISTIO_SPECS[type.kind];
  const copy: K8sObject = { ...object };
  for (const key of unknownFields) delete copy[key];
  const errors: FieldError[] = [];
  const ruleErrors: FieldError[] = [];
  if (object.spec !== undefined && object.spec !== null && specSchema) {
    const spec = applySchema(specSchema.schema, object.spec, 'spec');
    copy.spec = spec.value;
    errors.push(...spec.errors);
    ruleErrors.push(...spec.ruleErrors);
    unknownFields.push(...spec.unknown);
  } else {
    delete copy.spec;
    if (specSchema?.required) errors.push({ type: 'FieldValueRequired', field: 'spec', detail: '' });
  }
  if (object.status !== undefined && object.status !== null) {
    const status = applySchema(ISTIO_STATUS, object.status, 'status');
    copy.status = status.value;
    errors.push(...status.errors);
  }
  // Pruning reports the unknown paths sorted.
  return { object: copy, errors, unknownFields: unknownFields.sort(), hasRules: true, ruleErrors };
}

/** Validates the kind-specific part of an object; `old` is set on update. */
export function validateKind(type: ResourceType, object: K8sObject, old: K8sObject | undefined): KindValidation {
  const unknownFields: string[] = [];
  const allowed = new Set(['apiVersion', 'kind', 'metadata', ...type.topLevelFields]);
  for (const key of Object.keys(object)) if (!allowed.has(key)) unknownFields.push(key);
  if (type.custom) return validateCustom(type, object, unknownFields);
  const errors: FieldError[] = [];
  switch (type.storeName) {
    case 'services':
      errors.push(...serviceErrors(object), ...(old ? serviceUpdateErrors(object, old) : []));
      break;
    case 'pods':
      errors.push(...podSpecErrors(object.spec, 'spec'), ...(old ? podUpdateErrors(object, old) : []));
      break;
    case 'deployments.apps':
    case 'replicasets.apps':
      errors.push(...deploymentErrors(object, type.singular), ...(old ? deploymentUpdateErrors(object, old) : []));
      break;
    case 'endpointslices.discovery.k8s.io':
      errors.push(...endpointSliceErrors(object));
      break;
  }
  return { object, errors, unknownFields, hasRules: false, ruleErrors: [] };
}
