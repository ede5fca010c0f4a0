"""``python -m widgets.server [ServerApp options]``: run the kit's Jupyter server."""

from widgets.server.app import main

if __name__ == "__main__":
    main()
