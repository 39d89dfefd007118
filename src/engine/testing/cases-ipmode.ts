// TestLoadBalancerIngressRouteTypeProxy (LoadBalancerIPMode enabled): a Proxy-mode ingress gets
// no service-ips element, so traffic to it is not intercepted; VIP (and unset = VIP) is.
import { suite, type Suite } from './cases';
import { TEST_EXTERNAL_CLIENT as EXT } from './upstream';
import { loadBalancerIpMode } from './upstream-services';

const FILE = 'pkg/proxy/nftables/proxier_test.go';

export function nftIpModeSuites(): Suite[] {
  const cases = [
    {
      name: 'LoadBalancerIPMode enabled, ipMode Proxy',
      svcIP: '10.20.30.41',
      lbIP: '1.2.3.4',
      ipMode: 'Proxy' as const,
      output: '',
      masq: false,
    },
    {
      name: 'LoadBalancerIPMode enabled, ipMode VIP',
      svcIP: '10.20.30.42',
      lbIP: '1.2.3.5',
      ipMode: 'VIP' as const,
      output: '10.180.0.1:80',
      masq: true,
    },
    {
      name: 'LoadBalancerIPMode enabled, ipMode nil',
      svcIP: '10.20.30.43',
      lbIP: '1.2.3.6',
      ipMode: 'VIP' as const,
      output: '10.180.0.1:80',
      masq: true,
    },
  ];
  return cases.map((c) =>
    suite(
      FILE,
      `TestLoadBalancerIngressRouteTypeProxy/${c.name}`,
      { mode: 'NFTABLES' },
      loadBalancerIpMode(c.svcIP, c.lbIP, c.ipMode),
      [
        {
          name: c.ipMode === 'Proxy' ? 'no service-ips element for the LB IP' : 'service-ips element for the LB IP',
          sourceIP: EXT,
          destIP: c.lbIP,
          destPort: 80,
          output: c.output,
          masq: c.masq,
        },
      ],
    ),
  );
}
