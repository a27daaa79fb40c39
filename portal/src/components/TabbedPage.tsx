import { makeStyles, Tab, TabList, Toolbar, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { PageHeader } from './PageHeader.js';

const useStyles = makeStyles({
  tabs: { margin: `${tokens.spacingVerticalM} 0 ${tokens.spacingVerticalL}`, overflowX: 'auto' },
});

export interface PageTab {
  /** In the URL: `?tab=<value>`. */
  value: string;
  label: string;
}

/**
 * The frame of a resource's page (an identity, a resource group): its heading, a toolbar of actions, and the tabs,
 * which navigate (so a tab is deep-linkable); what follows the tabs is the children.
 */
export function TabbedPage(props: {
  title: string;
  subtitle: string;
  /** The toolbar's and the tab list's accessible names. */
  actionsLabel: string;
  tabsLabel: string;
  actions: ReactNode;
  tabs: readonly PageTab[];
  selected: string;
  onTab(value: string): void;
  children: ReactNode;
}) {
  const styles = useStyles();
  return (
    <>
      <PageHeader title={props.title} subtitle={props.subtitle} />
      <Toolbar aria-label={props.actionsLabel}>{props.actions}</Toolbar>
      <TabList className={styles.tabs} selectedValue={props.selected} onTabSelect={(_, d) => props.onTab(String(d.value))} aria-label={props.tabsLabel}>
        {props.tabs.map((t) => (
          <Tab key={t.value} value={t.value}>
            {t.label}
          </Tab>
        ))}
      </TabList>
      {props.children}
    </>
  );
}
