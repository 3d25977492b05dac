Feature: Signals: the situations the rules are built on
  A signal names a situation once, so that every rule relying on it means the
  same thing. These scenarios pin down each signal at its thresholds.

  Background:
    Given an empty profile for Examplia

  Scenario Outline: Governance is fragmented when rival governments claim authority, or divided elites rule an unstable state
    Given local.rival_governments is <rival governments>
    And fsi.c2_factionalized_elites is <factionalised elites>
    And wgi.political_stability is <political stability>
    When the profile is evaluated
    Then the signal governance-fragmentation <verdict>

    Examples:
      | rival governments | factionalised elites | political stability | verdict       |
      | true              | 5.0                  | 0.5                 | holds         |
      | false             | 8.5                  | -1.5                | holds         |
      | false             | 8.4                  | -2.5                | does not hold |
      | false             | 9.4                  | -1.49               | does not hold |

  Scenario Outline: The security sector is fragmented when a weak apparatus faces armed groups or fragmented governance
    Given fsi.c1_security_apparatus is <security apparatus>
    And local.armed_groups_active is <armed groups>
    And local.rival_governments is <rival governments>
    When the profile is evaluated
    Then the signal fragmented-security-sector <verdict>

    Examples:
      | security apparatus | armed groups | rival governments | verdict       |
      | 8.0                | true         | false             | holds         |
      | 8.0                | false        | true              | holds         |
      | 7.9                | true         | true              | does not hold |

  Scenario Outline: Border control is weak by assessment, or when a collapsed security apparatus meets low resilience to crime
    Given local.border_control_capacity is <assessed>
    And fsi.c1_security_apparatus is <security apparatus>
    And goci.resilience is <resilience>
    When the profile is evaluated
    Then the signal weak-border-control <verdict>

    Examples:
      | assessed  | security apparatus | resilience | verdict       |
      | weak      | 2.0                | 9.0        | holds         |
      | partial   | 8.0                | 3.0        | holds         |
      | partial   | 7.9                | 3.0        | does not hold |
      | effective | 8.0                | 3.01       | does not hold |

  Scenario Outline: Departures surge when the latest period is at least a quarter above the mean of the earlier ones
    Given migration.departures_to_italy by period:
      | period | value    |
      | 2022   | 30,000   |
      | 2023   | 50,000   |
      | 2024   | <latest> |
    When the profile is evaluated
    Then the signal trafficking-spike <verdict>

    Examples:
      | latest | verdict       |
      | 50,000 | holds         |
      | 49,999 | does not hold |

  Scenario Outline: Organised crime is entrenched where criminality is high and resilience very low
    Given goci.criminality is <criminality>
    And goci.resilience is <resilience>
    When the profile is evaluated
    Then the signal organised-crime-entrenched <verdict>

    Examples:
      | criminality | resilience | verdict       |
      | 6.5         | 3.0        | holds         |
      | 6.49        | 1.0        | does not hold |
      | 9.0         | 3.01       | does not hold |

  Scenario Outline: A terrorist threat is active with a high terrorism score, or a moderate one with recruitment reported
    Given gti.score is <score>
    And local.extremist_recruitment_reports is <recruitment reported>
    When the profile is evaluated
    Then the signal active-terrorist-threat <verdict>

    Examples:
      | score | recruitment reported | verdict       |
      | 4.5   | false                | holds         |
      | 4.49  | false                | does not hold |
      | 3.0   | true                 | holds         |
      | 2.99  | true                 | does not hold |

  Scenario Outline: Human-rights risk is high on a poor FSI P3 score, or on reports of abuse of migrants
    Given fsi.p3_human_rights_rule_of_law is <human rights score>
    And local.migrant_detention_abuse_reports is <abuse reported>
    When the profile is evaluated
    Then the signal human-rights-risk <verdict>

    Examples:
      | human rights score | abuse reported | verdict       |
      | 7.0                | false          | holds         |
      | 2.0                | true           | holds         |
      | 6.9                | false          | does not hold |

  Scenario Outline: The economy is in decline on a poor FSI E1 score, or with three in ten young people out of work
    Given fsi.e1_economic_decline is <economic decline>
    And local.youth_unemployment_pct is <youth unemployment>
    When the profile is evaluated
    Then the signal economic-decline <verdict>

    Examples:
      | economic decline | youth unemployment | verdict       |
      | 7.5              | 10                 | holds         |
      | 2.0              | 30                 | holds         |
      | 7.4              | 29.9               | does not hold |

  Scenario Outline: Economic decline feeds migration where smuggling is strong
    Given fsi.e1_economic_decline is <economic decline>
    And local.youth_unemployment_pct is 10
    And goci.human_smuggling is <human smuggling>
    And migration.departures_to_italy by period:
      | period | value  |
      | 2023   | 40,000 |
      | 2024   | 40,000 |
    When the profile is evaluated
    Then the signal migration-root-causes <verdict>

    Examples:
      | economic decline | human smuggling | verdict       |
      | 7.5              | 7.0             | holds         |
      | 7.5              | 6.5             | does not hold |
      | 7.4              | 9.0             | does not hold |

  Scenario Outline: Armed conflict from 25 reported deaths per million people in the latest year, war-level lethality from 100
    Given acled.fatalities_per_million by period:
      | period | value        |
      | 2023   | 500          |
      | 2024   | <fatalities> |
    When the profile is evaluated
    Then the signal armed-conflict <armed>
    And the signal lethal-conflict <lethal>

    Examples:
      | fatalities | armed         | lethal        |
      | 100        | holds         | holds         |
      | 99.9       | holds         | does not hold |
      | 25         | holds         | does not hold |
      | 24.9       | does not hold | does not hold |

  Scenario Outline: There has been conflict when the deaths per million average 25 over the profile's years
    Given acled.fatalities_per_million by period:
      | period | value     |
      | 2020   | <first>   |
      | 2024   | <latest>  |
    When the profile is evaluated
    Then the signal conflict-affected <verdict>

    Examples:
      | first | latest | verdict       |
      | 49    | 1      | holds         |
      | 48.8  | 1      | does not hold |

  Scenario Outline: Displacement is large-scale from 50 internally displaced people per 1,000
    Given unhcr.idps_per_1000 is <displaced>
    When the profile is evaluated
    Then the signal large-scale-displacement <verdict>

    Examples:
      | displaced | verdict       |
      | 50        | holds         |
      | 49.9      | does not hold |
