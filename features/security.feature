Feature: The security sector
  Capacity building and reform where armed groups fragment the security
  sector; reform against state-embedded crime and corruption; training where
  a single counterpart can absorb it; threat assessment and regular talks as
  political violence escalates; and human-rights vetting of the forces the
  UK trains wherever human-rights risk is high.

  Scenario: Libya 2024: a fragmented security sector riddled with state-embedded crime needs critical reform, and vetted training
    Given the Libya 2024 profile
    When the profile is evaluated
    Then security-sector-reform is recommended with critical priority
    And the reasons for security-sector-reform include the rule fragmented-security-capacity-building
    And the reasons for security-sector-reform include the rule security-sector-corruption-reform
    And security-forces-training is recommended with high priority
    And security-forces-training carries a safeguard from security-training-vetting

  Scenario: Human-rights score just under 7 and no word on abuse of migrants: vetting stays, as provisional
    Given the Libya 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is missing
    When the profile is evaluated
    Then security-forces-training is recommended with high priority
    And security-forces-training carries a provisional safeguard from security-training-vetting
    And joint-border-training carries a provisional safeguard from security-training-vetting

  Scenario: Libya 2023: state-embedded actors at 8.5 fall short of the corruption-reform rule
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule security-sector-corruption-reform does not fire
    And security-sector-reform is recommended with high priority

  Scenario Outline: Reform against corruption needs both weak control of corruption and state-embedded crime
    Given an empty profile for Examplia
    And wgi.control_of_corruption is <control of corruption>
    And goci.state_embedded_actors is <state-embedded actors>
    When the profile is evaluated
    Then the rule security-sector-corruption-reform <outcome>

    Examples:
      | control of corruption | state-embedded actors | outcome       |
      | -1.0                  | 9.0                   | fires         |
      | -0.99                 | 9.5                   | does not fire |
      | -2.0                  | 8.5                   | does not fire |

  Scenario: A security apparatus just short of collapse is not a fragmented sector
    Given the Libya 2024 profile
    And fsi.c1_security_apparatus is 7.9
    When the profile is evaluated
    Then the rule fragmented-security-capacity-building does not fire

  Scenario Outline: Training goes where one counterpart can absorb it: a middling apparatus, no fragmentation
    Given the Tunisia 2024 profile
    And fsi.c1_security_apparatus is <security apparatus>
    When the profile is evaluated
    Then the rule stable-counterpart-training <outcome>

    Examples:
      | security apparatus | outcome       |
      | 5.0                | fires         |
      | 8.0                | fires         |
      | 4.9                | does not fire |
      | 8.1                | does not fire |

  Scenario: Libya 2024: with no single counterpart, no training aimed at one
    Given the Libya 2024 profile
    And fsi.c1_security_apparatus is 6.0
    When the profile is evaluated
    Then the rule stable-counterpart-training does not fire

  Scenario Outline: Escalating political violence, per million people, calls for threat assessment and regular talks
    Given an empty profile for Examplia
    And acled.political_violence_events_per_million is <political violence events>
    And acled.events_targeting_civilians_per_million is <events targeting civilians>
    When the profile is evaluated
    Then the rule political-violence-escalation <outcome>

    Examples:
      | political violence events | events targeting civilians | outcome       |
      | 28                        | 0                          | fires         |
      | 27.9                      | 24                         | fires         |
      | 27.9                      | 23.9                       | does not fire |

  Scenario: Libya 2024: the reason for threat assessment cites 30.8 political-violence events per million people
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule political-violence-escalation fires
    And the reason for threat-assessment-frameworks cites 30.8

  Scenario: Nigeria 2024: 4,398 events are 18.9 per million people, no escalation on that count
    Given the Nigeria 2024 profile
    When the profile is evaluated
    Then the rule political-violence-escalation does not fire

  Scenario: Libya 2023, a quieter year, shows no escalation
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule political-violence-escalation does not fire

  Scenario: Tunisia 2024 with a human-rights score under 7 and no abuse reports: training without vetting conditions
    Given the Tunisia 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then security-forces-training is recommended
    And security-forces-training carries no safeguard

  Scenario Outline: Equipment where borders are weak and one counterpart can account for it
    Given an empty profile for Examplia
    And local.border_control_capacity is <border control>
    And fsi.c1_security_apparatus is <security apparatus>
    And goci.resilience is 2.0
    And local.rival_governments is <rival governments>
    And fsi.c2_factionalized_elites is 5.0
    And wgi.political_stability is 0.5
    When the profile is evaluated
    Then the rule weak-border-equipment <outcome>

    Examples:
      | border control | security apparatus | rival governments | outcome       |
      | weak           | 2.0                | false             | fires         |
      | partial        | 8.0                | false             | fires         |
      | partial        | 7.9                | false             | does not fire |
      | weak           | 2.0                | true              | does not fire |

  Scenario: Libya 2024: security sector reform integrates armed groups only after vetting (FSI P3 9.4)
    Given the Libya 2024 profile
    When the profile is evaluated
    Then security-sector-reform is recommended with critical priority
    And security-sector-reform carries a safeguard from security-training-vetting
    And the reason for security-sector-reform cites 9.4

  Scenario: Lebanon 2024: a human-rights score of 6.8 and no word on abuse of migrants: reform vetting stays, as provisional
    Given the Lebanon 2024 profile
    When the profile is evaluated
    Then security-sector-reform is recommended with critical priority
    And security-sector-reform carries a provisional safeguard from security-training-vetting
