package dev.redunet.deploy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables the kubelet injects into every pod of a namespace for each Service
 * (when the pod's {@code enableServiceLinks} is true, the default), as Kubernetes' {@code
 * pkg/kubelet/envvars} computes them: the service-discovery pair {@code <NAME>_SERVICE_HOST},
 * {@code <NAME>_SERVICE_PORT}, one {@code <NAME>_SERVICE_PORT_<PORTNAME>} per named port, and the
 * Docker-link style {@code <NAME>_PORT}, {@code <NAME>_PORT_<port>_<PROTO>} with {@code _PROTO},
 * {@code _PORT}, {@code _ADDR}; {@code <NAME>} is the Service name in upper case with dashes as
 * underscores. The kubelet skips Services without a cluster IP (headless); {@link #of} does not, so
 * that a test over it covers every Service whatever its type.
 */
public final class ServiceLinks {
  private ServiceLinks() {}

  private static String envName(String s) {
    return s.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * The variables of one Service manifest.
   *
   * @param service a {@code kind: Service} document
   * @param clusterIp the address to use (the manifest's own unless it is absent or None)
   */
  public static Map<String, String> of(Map<String, Object> service, String clusterIp) {
    String name = String.valueOf(DeployFiles.map(service.get("metadata")).get("name"));
    Map<String, Object> spec = DeployFiles.map(service.get("spec"));
    Object own = spec.get("clusterIP");
    String ip = own == null || "None".equals(own) || "".equals(own) ? clusterIp : own.toString();
    List<Object> ports = DeployFiles.list(spec.get("ports"));
    Map<String, String> env = new LinkedHashMap<>();
    String prefix = envName(name);
    env.put(prefix + "_SERVICE_HOST", ip);
    env.put(prefix + "_SERVICE_PORT", port(ports.get(0)));
    for (Object p : ports) {
      Object portName = DeployFiles.map(p).get("name");
      if (portName != null && !portName.toString().isEmpty()) {
        env.put(prefix + "_SERVICE_PORT_" + envName(portName.toString()), port(p));
      }
    }
    for (int i = 0; i < ports.size(); i++) {
      Map<String, Object> p = DeployFiles.map(ports.get(i));
      String protocol = String.valueOf(p.getOrDefault("protocol", "TCP"));
      String url = protocol.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port(p);
      if (i == 0) {
        env.put(prefix + "_PORT", url);
      }
      String portPrefix = prefix + "_PORT_" + port(p) + "_" + protocol.toUpperCase(Locale.ROOT);
      env.put(portPrefix, url);
      env.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
      env.put(portPrefix + "_PORT", port(p));
      env.put(portPrefix + "_ADDR", ip);
    }
    return env;
  }

  private static String port(Object port) {
    return String.valueOf(DeployFiles.map(port).get("port"));
  }
}
