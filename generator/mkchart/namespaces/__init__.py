"""`mkchart namespaces`: the chart a cluster administrator installs once, holding for each
environment of a fleet its Namespace, ResourceQuota, LimitRange and NetworkPolicies.

    services file -> every service's answers, as `mkchart batch` reads them
      -> each chart's values per environment (`sizing`: what the fleet needs where)
      -> the chart's files (`chartfiles`)
      -> a new folder, or the existing one updated keeping hand edits (`bootstrap`)
"""
