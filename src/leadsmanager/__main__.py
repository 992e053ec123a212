from leadsmanager.entrypoints.cli.commands import main

main()
