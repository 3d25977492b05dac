Feature: Development: the economic root causes of instability and migration
  Where economic decline feeds smuggling and migration, or leaves young
  people without work: vocational training and local jobs. Infrastructure
  where decline meets ineffective government; reconstruction support after
  conflict; community resilience where grievances follow uneven development.

  Scenario: Tunisia 2024: economic decline beside a strong smuggling market calls for vocational training and jobs
    Given the Tunisia 2024 profile
    When the profile is evaluated
    Then youth-vocational-training is recommended with high priority
    And local-industry-job-creation is recommended with medium priority
    And the reasons for youth-vocational-training include the rule migration-root-causes-development

  Scenario: Tunisia 2024 with a weaker smuggling market and falling departures: no root-cause programme
    Given the Tunisia 2024 profile
    And goci.human_smuggling is 6.5
    When the profile is evaluated
    Then the rule migration-root-causes-development does not fire

  Scenario: Morocco 2024: without a youth unemployment figure the root-cause rule cannot decide, and says why
    Given the Morocco 2024 profile
    When the profile is evaluated
    Then the rule migration-root-causes-development is undetermined because local.youth_unemployment_pct is missing
    And the data gaps include local.youth_unemployment_pct

  Scenario Outline: Jobs, training and dialogue once three in ten young people are out of work
    Given an empty profile for Examplia
    And local.youth_unemployment_pct is <youth unemployment>
    # just under the other way into economic decline, so the recruitment rule is false, not undetermined
    And fsi.e1_economic_decline is 7.4
    When the profile is evaluated
    Then youth-dialogue-engagement <verdict>

    Examples:
      | youth unemployment | verdict                          |
      | 30                 | is recommended with low priority |
      | 29.9               | is not recommended               |

  Scenario: Libya 2024: decline with ineffective government calls for infrastructure
    Given the Libya 2024 profile
    When the profile is evaluated
    Then infrastructure-investment is recommended with medium priority
    And the reasons for infrastructure-investment include the rule decline-with-weak-services

  Scenario Outline: Infrastructure needs both economic decline and ineffective government
    Given an empty profile for Examplia
    And fsi.e1_economic_decline is <economic decline>
    And local.youth_unemployment_pct is 10
    And wgi.government_effectiveness is <government effectiveness>
    When the profile is evaluated
    Then the rule decline-with-weak-services <outcome>

    Examples:
      | economic decline | government effectiveness | outcome       |
      | 7.5              | -1.0                     | fires         |
      | 7.4              | -2.0                     | does not fire |
      | 9.0              | -0.99                    | does not fire |

  Scenario Outline: Reconstruction support where public services have failed and people are displaced after conflict
    Given an empty profile for Examplia
    And fsi.p2_public_services is <public services>
    And fsi.s2_refugees_idps is <refugees and displaced>
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2023   | <earlier>    |
      | 2024   | <latest>     |
    When the profile is evaluated
    Then international-reconstruction-support <verdict>

    Examples:
      | public services | refugees and displaced | earlier | latest | verdict                           |
      | 7.5             | 7.5                    | 40      | 10     | is recommended with high priority |
      | 7.4             | 9.0                    | 200     | 200    | is not recommended                |
      | 9.0             | 7.4                    | 200     | 200    | is not recommended                |
      | 9.0             | 9.0                    | 40      | 9.9    | is not recommended                |

  Scenario: Libya 2024: the war for Tripoli ended in 2020, and reconstruction still counts it
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the signal armed-conflict does not hold
    But the signal conflict-affected holds
    And international-reconstruction-support is recommended with high priority

  Scenario: Mauritania 2024: failing services and many refugees, but no conflict: support to hosting communities, not reconstruction
    Given the Mauritania 2024 profile
    When the profile is evaluated
    Then the rule post-conflict-reconstruction does not fire
    And international-reconstruction-support is not recommended
    And refugee-hosting-community-support is recommended with high priority

  Scenario: Libya 2024: grievances following uneven development call for community resilience
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule grievance-community-resilience fires
    And community-resilience-projects is recommended with medium priority

  Scenario: Libya 2023: development uneven, but not enough to feed grievances (FSI E2 6.4)
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule grievance-community-resilience does not fire
