// The console's frame: header with the signed-in person and sign-out, navigation on the left.
import { AppShell, Badge, Burger, Button, Group, NavLink, Text, Title } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import {
  IconCalendar,
  IconChartBar,
  IconClipboardCheck,
  IconCpu,
  IconGavel,
  IconList,
  IconLogout,
  IconPlus,
  IconServer2,
  IconShieldCheck,
  IconTemplate,
  IconWebhook,
} from '@tabler/icons-react'
import { Link, Outlet, useLocation } from 'react-router'
import { useSession, useSignOut } from '../features/auth/api'
import { canUseCab } from '../features/approvals/permissions'
import { canReadAudit } from '../features/audit/permissions'
import { canCreateChange } from '../features/auth/permissions'
import { canManageWebhooks } from '../features/webhooks/permissions'

const NAVIGATION = [
  { to: '/changes', label: 'Changes', icon: IconList, createsChange: false },
  { to: '/changes/new', label: 'New change', icon: IconPlus, createsChange: true },
  { to: '/fleet', label: 'Fleet', icon: IconCpu, createsChange: false },
  { to: '/templates', label: 'Templates', icon: IconTemplate, createsChange: true },
  { to: '/calendar', label: 'Calendar', icon: IconCalendar, createsChange: false },
  { to: '/cab', label: 'CAB', icon: IconGavel, createsChange: false, cab: true },
  { to: '/audit', label: 'Audit', icon: IconShieldCheck, createsChange: false, audit: true },
  { to: '/reviews', label: 'Reviews', icon: IconClipboardCheck, createsChange: false },
  { to: '/kpis', label: 'KPIs', icon: IconChartBar, createsChange: false },
  { to: '/webhooks', label: 'Webhooks', icon: IconWebhook, createsChange: false, webhooks: true },
] as const

export function AppLayout() {
  const [navbarOpened, { toggle, close }] = useDisclosure(false)
  const { pathname } = useLocation()
  const session = useSession()
  const signOut = useSignOut()
  const user = session.data?.user
  // An auditor is read-only: the console does not offer what the API would refuse.
  const navigation = NAVIGATION.filter(
    (item) =>
      (!item.createsChange || canCreateChange(user)) &&
      (!('audit' in item) || canReadAudit(user)) &&
      (!('cab' in item) || canUseCab(user)) &&
      (!('webhooks' in item) || canManageWebhooks(user)),
  )

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={navbarOpened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <IconServer2 size={22} aria-hidden />
            <Title order={4}>Cabinet</Title>
          </Group>
          {user && (
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" visibleFrom="sm" data-testid="current-user">
                {user.name}
              </Text>
              {user.roles.map((role) => (
                <Badge key={role} variant="outline" size="sm" visibleFrom="md">
                  {role.replace('_', ' ')}
                </Badge>
              ))}
              <Button
                variant="subtle"
                size="xs"
                leftSection={<IconLogout size={16} />}
                loading={signOut.isPending}
                onClick={() => signOut.mutate()}
              >
                Sign out
              </Button>
            </Group>
          )}
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        {navigation.map((item) => (
          <NavLink
            key={item.to}
            component={Link}
            to={item.to}
            label={item.label}
            leftSection={<item.icon size={18} />}
            active={pathname === item.to}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  )
}
