from leadsmanager.entrypoints.cli import main

main()
