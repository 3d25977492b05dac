Feature: Governance, rule of law and human rights
  Political dialogue where authority is contested; judicial strengthening
  where rule of law is weak; human rights promoted where they are most at
  risk; community engagement where the state lacks legitimacy; a broader
  partnership with a stable, unified counterpart; regional cooperation where
  outside actors and arms flows weigh heavily; and protection for NGO
  partners where civic space is closed.

  Scenario: Libya 2024: rival governments make political dialogue critical
    Given the Libya 2024 profile
    When the profile is evaluated
    Then political-dialogue-support is recommended with critical priority
    And regular-bilateral-meetings is recommended with high priority
    And the reasons for political-dialogue-support include the rule rival-governments-dialogue

  Scenario: Without rival governments, factionalised elites still call for dialogue, at high priority
    Given the Libya 2024 profile
    And local.rival_governments is false
    When the profile is evaluated
    Then the rule rival-governments-dialogue does not fire
    And political-dialogue-support is recommended with high priority

  Scenario Outline: Dialogue among factionalised elites from an FSI C2 score of 8.5
    Given an empty profile for Examplia
    # a single government: without it the ceasefire rule could still ask for dialogue
    And local.rival_governments is false
    And fsi.c2_factionalized_elites is <factionalised elites>
    When the profile is evaluated
    Then political-dialogue-support <verdict>

    Examples:
      | factionalised elites | verdict                           |
      | 8.5                  | is recommended with high priority |
      | 8.4                  | is not recommended                |

  Scenario Outline: Judicial institutions are strengthened where rule of law or the judiciary is weak
    Given an empty profile for Examplia
    And wgi.rule_of_law is <rule of law>
    And goci.judicial_system_and_detention is <judicial system>
    When the profile is evaluated
    Then the rule rule-of-law-judicial-strengthening <outcome>

    Examples:
      | rule of law | judicial system | outcome         |
      | -1.0        | 3.0             | fires           |
      | -0.99       | 2.0             | fires           |
      | -0.99       | 2.5             | does not fire   |
      | -0.99       | missing         | is undetermined |

  Scenario Outline: Human rights are promoted as a priority from an FSI P3 score of 8
    Given an empty profile for Examplia
    And fsi.p3_human_rights_rule_of_law is <human rights score>
    When the profile is evaluated
    Then the rule human-rights-deficit <outcome>

    Examples:
      | human rights score | outcome       |
      | 8.0                | fires         |
      | 7.9                | does not fire |

  Scenario: Egypt 2024: the reason for promoting human rights cites the FSI P3 score
    Given the Egypt 2024 profile
    When the profile is evaluated
    Then human-rights-promotion is recommended with high priority
    And the reason for human-rights-promotion cites 8.9

  Scenario Outline: Community engagement where the state lacks legitimacy and government is ineffective
    Given an empty profile for Examplia
    And fsi.p1_state_legitimacy is <state legitimacy>
    And wgi.government_effectiveness is <government effectiveness>
    When the profile is evaluated
    Then community-resilience-projects <verdict>

    Examples:
      | state legitimacy | government effectiveness | verdict                             |
      | 8.0              | -1.0                     | is recommended with medium priority |
      | 7.9              | -2.0                     | is not recommended                  |
      | 9.0              | -0.99                    | is not recommended                  |

  Scenario: Morocco 2024: a stable, unified counterpart allows a broader partnership
    Given the Morocco 2024 profile
    When the profile is evaluated
    Then cultural-exchange-programmes is recommended with medium priority
    And regular-bilateral-meetings is recommended with medium priority

  Scenario: Morocco 2024 with political stability at -1.0: no broader partnership yet
    Given the Morocco 2024 profile
    And wgi.political_stability is -1.0
    When the profile is evaluated
    Then cultural-exchange-programmes is not recommended

  Scenario: Libya 2024: fragmented governance rules out a broader partnership
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule stable-partner-exchange does not fire

  Scenario: A stable state whose governance is not assessed: the partnership rule cannot decide
    Given an empty profile for Examplia
    And wgi.political_stability is 0.5
    When the profile is evaluated
    Then the rule stable-partner-exchange is undetermined because local.rival_governments is missing

  Scenario Outline: Regional cooperation where outside actors or arms flows weigh heavily
    Given an empty profile for Examplia
    And fsi.x1_external_intervention is <external intervention>
    And goci.arms_trafficking is <arms trafficking>
    When the profile is evaluated
    Then regional-task-forces <regional task forces>
    And joint-threat-task-forces <joint threat task forces>

    Examples:
      | external intervention | arms trafficking | regional task forces                | joint threat task forces            |
      | 8.0                   | 1.0              | is recommended with medium priority | is not recommended                  |
      | 7.9                   | 8.0              | is recommended with high priority   | is recommended with medium priority |
      | 7.9                   | 7.5              | is not recommended                  | is not recommended                  |

  Scenario: Nigeria 2024: regional task forces against arms flows (GI-TOC 8.5) go to vetted units under the Principles on detainees (FSI P3 8.3)
    Given the Nigeria 2024 profile
    When the profile is evaluated
    Then regional-task-forces is recommended with high priority
    And regional-task-forces carries a safeguard from intelligence-rights-safeguard
    And the reason for regional-task-forces cites 8.3

  Scenario: Lebanon 2024: a human-rights score of 6.8 and no word on abuse of migrants: the task-force conditions stay, as provisional
    Given the Lebanon 2024 profile
    When the profile is evaluated
    Then regional-task-forces is recommended with high priority
    And regional-task-forces carries a provisional safeguard from intelligence-rights-safeguard

  Scenario: Libya 2024: NGO partners are protected where civic space is closed
    Given the Libya 2024 profile
    When the profile is evaluated
    Then grassroots-ngo-partnerships carries a safeguard from ngo-partnership-civic-space-safeguard

  Scenario: Libya 2024 with voice and accountability just above -1.0: no protection conditions on NGO partnerships
    Given the Libya 2024 profile
    And wgi.voice_accountability is -0.99
    When the profile is evaluated
    Then grassroots-ngo-partnerships is recommended
    And grassroots-ngo-partnerships carries no safeguard

  Scenario: Sudan 2024: an armed conflict among fragmented authorities calls for ceasefire and mediation support
    Given the Sudan 2024 profile
    When the profile is evaluated
    Then ceasefire-mediation-support is recommended with high priority
    And the reason for ceasefire-mediation-support cites 329.8

  Scenario Outline: Ceasefire support needs an armed conflict and fragmented authority
    Given an empty profile for Examplia
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2024   | <fatalities> |
    And local.rival_governments is <rival governments>
    And fsi.c2_factionalized_elites is <factionalised elites>
    And wgi.political_stability is <political stability>
    When the profile is evaluated
    Then the rule ceasefire-mediation-in-armed-conflict <outcome>

    Examples:
      | fatalities | rival governments | factionalised elites | political stability | outcome       |
      | 25         | true              | 5.0                  | 0.5                 | fires         |
      | 24.9       | true              | 9.0                  | -2.0                | does not fire |
      | 300        | false             | 8.4                  | -2.5                | does not fire |

  Scenario: Burkina Faso 2024: a war, but one government and elites not deeply divided: no ceasefire programme on that ground
    Given the Burkina Faso 2024 profile
    When the profile is evaluated
    Then the rule ceasefire-mediation-in-armed-conflict does not fire
